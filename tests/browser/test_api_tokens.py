"""A school admin makes an API token on a phone, a script uses it, and the admin revokes it."""

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def script(browser, live_server):
    """An HTTP client without the browser's cookies, as a script calling the API would be."""
    context = browser.new_context(base_url=live_server.url)
    yield context.request
    context.close()


def test_a_token_made_on_a_phone_works_until_it_is_revoked(phone_page, script, school_admin):
    page = phone_page
    log_in(page, "school_admin")
    page.goto("/api-tokens/")
    page.fill("input[name=name]", "名册同步脚本")
    page.get_by_role("button", name="生成").click()
    key = page.locator("[data-testid=new-key] code").inner_text()
    bearer = {"Authorization": f"Bearer {key}"}

    assert script.get("/api/orgs/me", headers=bearer).status == 200
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="吊销").click()

    assert page.locator(".badge.bad").inner_text() == "已吊销"
    assert script.get("/api/orgs/me", headers=bearer).status == 401
