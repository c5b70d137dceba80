"""A teacher downloads a certificate; anyone checks its code at /verify/ without logging in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.certificates.factories import pass_the_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def visitor(browser, live_server):
    """A second browser with no session: someone holding the paper."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_teacher_downloads_the_certificate_and_its_code_verifies_logged_out(
    page, visitor, teacher
):
    pass_the_year(teacher)
    log_in(page, "teacher")
    page.get_by_role("link", name="我的证明").click()
    with page.expect_download() as download_info:
        page.click("a[data-kind=certificate][data-year='2026']")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    page.reload()
    code_link = page.locator("table a[href^='/verify/']").first
    verify_path = code_link.get_attribute("href")
    printed_code = code_link.inner_text()

    visitor.goto(verify_path)
    expect(visitor.locator("[data-verdict=valid]")).to_be_visible()
    assert teacher.name in visitor.locator("[data-verdict=valid]").inner_text()

    visitor.goto("/verify/")
    visitor.fill("input[name=code]", printed_code.lower())
    visitor.click("button[type=submit]")
    expect(visitor.locator("[data-verdict=valid]")).to_be_visible()

    last = verify_path[-1]
    visitor.goto(verify_path[:-1] + ("B" if last != "B" else "C"))
    assert visitor.locator("[data-verdict=invalid]").inner_text().startswith("无效的验证码")


def test_a_teacher_who_has_not_passed_is_told_why_on_the_phone(phone_page, teacher):
    log_in(phone_page, "teacher")
    phone_page.goto("/certificates/")
    card = phone_page.locator(".card[data-year='2026']")
    assert "尚未达标" in card.inner_text()
    expect(card.locator("a[data-kind=certificate]")).to_have_count(0)
