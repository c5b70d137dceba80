"""Phone sign-in: the organizer's screen shows the code and a QR link; the teacher scans the
QR and taps once, or types the code, on a 375px phone."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.factories import UserFactory, grant
from tests.training.factories import CourseFactory, EnrollmentFactory, SessionFactory
from yanxiu.training import codes
from yanxiu.training.models import Attendance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running_session(school, teacher):
    organizer = UserFactory(username="organizer")
    grant(organizer, "center_staff", region=school.region)
    course = CourseFactory(region=school.region, organizer=organizer, title="新教师培训班")
    EnrollmentFactory(course=course, teacher=teacher)
    return SessionFactory(
        course=course,
        title="课堂管理",
        starts_at=timezone.now() - datetime.timedelta(minutes=2),
    )


def test_a_teacher_signs_in_on_a_phone_with_the_code_on_the_screen(
    page, phone_page, running_session, teacher
):
    log_in(page, "organizer")
    page.goto(f"/training/sessions/{running_session.pk}/code/")
    code = page.get_by_test_id("sign-in-code").inner_text().strip()
    assert len(code) == 6

    log_in(phone_page, "teacher")
    phone_page.goto("/training/sign-in/")
    phone_page.get_by_label("签到码").fill(code)
    phone_page.get_by_role("button", name="签到", exact=True).click()

    assert "签到成功" in phone_page.get_by_test_id("sign-in-result").inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert Attendance.objects.filter(session=running_session, teacher=teacher).count() == 1


def test_a_wrong_code_on_the_phone_gets_a_chinese_message(phone_page, running_session):
    log_in(phone_page, "teacher")
    phone_page.goto("/training/sign-in/")
    phone_page.get_by_label("签到码").fill("000000")
    phone_page.get_by_role("button", name="签到", exact=True).click()
    assert phone_page.locator(".msg-error").first.inner_text().startswith("签到码错误或已过期")


def test_a_teacher_signs_in_with_one_tap_after_scanning_the_qr(
    phone_page, running_session, teacher
):
    token = codes.link_token(running_session.pk, timezone.now())
    log_in(phone_page, "teacher")
    phone_page.goto(f"/training/sign-in/?t={token}")
    assert phone_page.get_by_test_id("sign-in-link").is_visible()
    phone_page.get_by_role("button", name="签到", exact=True).click()

    assert "签到成功" in phone_page.get_by_test_id("sign-in-result").inner_text()
    assert Attendance.objects.filter(session=running_session, teacher=teacher).count() == 1
