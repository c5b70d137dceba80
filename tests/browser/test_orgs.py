import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_admin_browses_to_a_teacher_and_transfers_them(page, zone, school, bureau_admin):
    TeacherFactory(school=school, name="陈晓燕")
    SchoolFactory(zone=zone, name="江滨中学")
    log_in(page, "bureau_admin")
    page.locator(".mainnav").get_by_role("link", name="组织机构").click()
    page.locator("main").get_by_role("link", name="组织机构").click()
    page.get_by_role("link", name=zone.name).click()
    page.get_by_role("link", name=school.name).click()
    page.get_by_role("link", name="陈晓燕").click()
    page.get_by_role("link", name="调动").click()
    page.select_option("select[name=to_school]", label="江滨中学")
    page.fill("input[name=on]", "2026-09-01")
    page.fill("input[name=note]", "交流轮岗")
    page.get_by_role("button", name="保存").click()
    history = page.get_by_test_id("postings")
    history.wait_for()
    text = history.inner_text()
    assert school.name in text
    assert "江滨中学" in text
    assert "2026-09-01" in text


def test_phone_menu_opens_from_the_toggle(phone_page, school_admin):
    log_in(phone_page, "school_admin")
    menu_link = phone_page.locator(".mainnav").get_by_role("link", name="教师名册")
    expect(menu_link).to_be_hidden()
    phone_page.locator(".nav-toggle-label").click()
    expect(menu_link).to_be_visible()
