import datetime

import pytest
from django.db import IntegrityError

from tests.factories import TeacherFactory, UserFactory
from tests.training.factories import EnrollmentFactory, SessionFactory
from yanxiu.training import codes
from yanxiu.training.models import Attendance, EnrollmentStatus
from yanxiu.training.services import TrainingError
from yanxiu.training.services.sign_in import session_for_code, sign_in_teacher, sign_out_teacher

pytestmark = pytest.mark.django_db


def _code(session, at):
    return codes.current_code(session.pk, at).code


@pytest.fixture
def admitted(session, teacher):
    return EnrollmentFactory(course=session.course, teacher=teacher)


def test_an_admitted_teacher_signs_in_with_the_code(session, teacher, admitted):
    at = session.starts_at
    result = sign_in_teacher(session, teacher, at=at)
    assert result.attendance.signed_in_at == at
    assert not result.already


def test_signing_in_twice_keeps_one_row_and_the_first_time(session, teacher, admitted):
    first = session.starts_at
    sign_in_teacher(session, teacher, at=first)
    later = first + datetime.timedelta(minutes=3)
    again = sign_in_teacher(session, teacher, at=later)
    assert again.already
    assert Attendance.objects.get(session=session, teacher=teacher).signed_in_at == first


def test_the_database_refuses_a_second_attendance_row(session, teacher):
    Attendance.objects.create(session=session, teacher=teacher, method="code")
    with pytest.raises(IntegrityError):
        Attendance.objects.create(session=session, teacher=teacher, method="code")


def test_arriving_after_the_grace_period_is_late(session, teacher, admitted):
    at = session.starts_at + datetime.timedelta(minutes=session.course.grace_minutes + 1)
    assert sign_in_teacher(session, teacher, at=at).attendance.is_late


def test_arriving_within_the_grace_period_is_on_time(session, teacher, admitted):
    at = session.starts_at + datetime.timedelta(minutes=session.course.grace_minutes)
    assert not sign_in_teacher(session, teacher, at=at).attendance.is_late


def test_leaving_before_the_end_is_flagged(session, teacher, admitted):
    sign_in_teacher(session, teacher, at=session.starts_at)
    at = session.ends_at - datetime.timedelta(minutes=30)
    assert sign_out_teacher(session, teacher, at=at).left_early


def test_signing_out_at_the_end_is_not_early(session, teacher, admitted):
    sign_in_teacher(session, teacher, at=session.starts_at)
    at = session.ends_at
    assert not sign_out_teacher(session, teacher, at=at).left_early


def test_signing_out_without_signing_in_is_refused(session, teacher, admitted):
    at = session.ends_at
    with pytest.raises(TrainingError, match="尚未签到"):
        sign_out_teacher(session, teacher, at=at)


def test_a_teacher_not_enrolled_cannot_sign_in(session, teacher):
    at = session.starts_at
    with pytest.raises(TrainingError, match="您未报名该培训班，不能签到"):
        sign_in_teacher(session, teacher, at=at)


def test_a_teacher_still_waiting_for_approval_cannot_sign_in(session, teacher):
    EnrollmentFactory(
        course=session.course, teacher=teacher, status=EnrollmentStatus.PENDING_CENTER
    )
    at = session.starts_at
    with pytest.raises(TrainingError, match="待培训中心审核"):
        sign_in_teacher(session, teacher, at=at)


def test_an_expired_code_is_refused(session, teacher, admitted):
    old = _code(session, session.starts_at - datetime.timedelta(minutes=2))
    with pytest.raises(TrainingError, match="签到码错误或已过期"):
        session_for_code(teacher, old, session.starts_at)


def test_a_wrong_code_is_refused(session, teacher, admitted):
    wrong = f"{(int(_code(session, session.starts_at)) + 1) % 10**6:06d}"
    with pytest.raises(TrainingError, match="签到码错误或已过期"):
        session_for_code(teacher, wrong, session.starts_at)


def test_signing_in_after_the_session_ended_is_refused(session, teacher, admitted):
    at = session.ends_at + datetime.timedelta(minutes=1)
    with pytest.raises(TrainingError, match="已结束"):
        sign_in_teacher(session, teacher, at=at)


def test_the_typed_code_finds_the_teachers_session(session, teacher, admitted):
    at = session.starts_at
    assert session_for_code(teacher, _code(session, at), at) == session


def test_a_code_of_a_class_the_teacher_is_not_in_is_a_wrong_code(session, teacher, admitted):
    other = SessionFactory(course__region=session.course.region, starts_at=session.starts_at)
    at = session.starts_at
    with pytest.raises(TrainingError, match="签到码错误或已过期"):
        session_for_code(teacher, _code(other, at), at)


def test_the_api_signs_in_with_a_code(client, session, teacher, admitted):
    client.force_login(teacher.user)
    code = _code(session, datetime.datetime.now(tz=datetime.UTC))
    response = client.post("/api/training/sign-in", {"code": code}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["message"] == "签到成功"


def test_the_phone_page_says_signed_in(client, session, teacher, admitted):
    client.force_login(teacher.user)
    code = _code(session, datetime.datetime.now(tz=datetime.UTC))
    page = client.post("/training/sign-in/", {"code": code, "action": "in"}).content.decode()
    assert "签到成功" in page


def test_the_phone_page_reports_a_wrong_code_in_chinese(client, session, teacher, admitted):
    client.force_login(teacher.user)
    page = client.post("/training/sign-in/", {"code": "12345", "action": "in"}).content.decode()
    assert "签到码是6位数字" in page


def test_another_teacher_in_the_class_gets_their_own_row(session, teacher, admitted):
    other = TeacherFactory(school=teacher.school, user=UserFactory())
    EnrollmentFactory(course=session.course, teacher=other)
    at = session.starts_at
    sign_in_teacher(session, teacher, at=at)
    sign_in_teacher(session, other, at=at)
    assert Attendance.objects.filter(session=session).count() == 2


def test_a_sign_in_request_costs_few_queries(
    client, session, teacher, admitted, django_assert_num_queries
):
    client.force_login(teacher.user)
    code = _code(session, datetime.datetime.now(tz=datetime.UTC))
    with django_assert_num_queries(8):
        response = client.post(
            "/api/training/sign-in", {"code": code}, content_type="application/json"
        )
    assert response.status_code == 200
