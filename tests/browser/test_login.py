import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_admin_logs_in_and_sees_the_chinese_home(page, school_admin):
    log_in(page, "school_admin")
    assert page.locator("h1").inner_text().endswith("您好")
    expect(page.get_by_role("link", name="教师名册")).to_be_visible()


def test_wrong_password_gets_a_clear_message(page, school_admin):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "school_admin")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".error").inner_text() == "用户名或密码不正确，请重新输入。"
