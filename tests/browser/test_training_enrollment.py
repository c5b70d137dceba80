"""Enrollment approval across three roles: teacher applies, school admin agrees, center admits."""

import pytest

from tests.browser.conftest import log_in
from tests.training.factories import CourseFactory
from yanxiu.training.models import EnrollmentStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, username)
    return page


def test_an_enrollment_goes_from_teacher_to_school_to_center(
    browser, live_server, school, teacher, school_admin, center_staff
):
    course = CourseFactory(region=school.region, organizer=center_staff, title="班主任培训班")

    teacher_page = as_user(browser, live_server, "teacher")
    teacher_page.goto(f"/training/{course.pk}/")
    teacher_page.get_by_role("button", name="报名", exact=True).click()
    assert "待学校审核" in teacher_page.get_by_test_id("my-enrollment").inner_text()

    admin_page = as_user(browser, live_server, "school_admin")
    assert admin_page.get_by_test_id("bell").inner_text().endswith("1")
    admin_page.goto("/training/approvals/")
    admin_page.get_by_role("button", name="同意", exact=True).click()
    assert "已同意" in admin_page.locator(".messages").inner_text()

    center_page = as_user(browser, live_server, "center_staff")
    center_page.goto("/training/approvals/")
    assert teacher.name in center_page.locator("table").inner_text()
    center_page.get_by_role("button", name="同意", exact=True).click()

    teacher_page.goto(f"/training/{course.pk}/")
    assert "已录取" in teacher_page.get_by_test_id("my-enrollment").inner_text()
    assert course.enrollments.get().status == EnrollmentStatus.APPROVED
    for p in (teacher_page, admin_page, center_page):
        p.context.close()
