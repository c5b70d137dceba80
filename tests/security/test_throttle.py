"""Issue 9, item 4: the classroom sign-in code cannot be guessed.

Typed codes are limited per teacher (5 wrong in 10 minutes, then a wait); the QR link
carries a signed token instead of the code; every wrong code gets the same answer.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import TeacherFactory, UserFactory
from tests.training.factories import EnrollmentFactory, SessionFactory
from yanxiu.orgs.models import School, Teacher
from yanxiu.training import codes
from yanxiu.training.models import Attendance, Session
from yanxiu.training.services import SignInThrottled, TrainingError
from yanxiu.training.services.sign_in import session_for_code, session_for_link, sign_in_teacher

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def session(school: School) -> Session:
    return SessionFactory(course__region=school.region)


@pytest.fixture
def admitted(session: Session, teacher: Teacher) -> None:
    EnrollmentFactory(course=session.course, teacher=teacher)


def _right(session: Session, at: datetime.datetime) -> str:
    return codes.current_code(session.pk, at).code


def _wrong(session: Session, at: datetime.datetime) -> str:
    return f"{(int(_right(session, at)) + 500_000) % 10**6:06d}"


def _guess(teacher: Teacher, session: Session, at: datetime.datetime, times: int = 5) -> None:
    for _ in range(times):
        with pytest.raises(TrainingError, match="签到码错误或已过期"):
            session_for_code(teacher, _wrong(session, at), at)


def _post_api(client: Client, body: dict[str, object]) -> Any:
    return client.post("/api/training/sign-in", body, content_type="application/json")


# ---------------------------------------------------------------- the limit per teacher


def test_the_sixth_code_within_ten_minutes_is_refused_even_when_right(session, teacher, admitted):
    at = session.starts_at
    _guess(teacher, session, at)
    with pytest.raises(SignInThrottled):
        session_for_code(teacher, _right(session, at + 9 * MINUTE), at + 9 * MINUTE)


def test_the_wait_message_says_how_many_minutes_are_left(session, teacher, admitted):
    at = session.starts_at
    _guess(teacher, session, at)
    with pytest.raises(SignInThrottled, match="请7分钟后再试"):
        session_for_code(teacher, _right(session, at), at + 3 * MINUTE)


def test_four_wrong_codes_leave_the_right_one_working(session, teacher, admitted):
    at = session.starts_at
    _guess(teacher, session, at, times=4)
    assert session_for_code(teacher, _right(session, at), at) == session


def test_right_codes_do_not_use_up_the_limit(session, teacher, admitted):
    at = session.starts_at
    for _ in range(10):
        assert session_for_code(teacher, _right(session, at), at) == session


def test_another_teacher_of_the_class_is_not_held_back(session, teacher, admitted):
    other = TeacherFactory(school=teacher.school, user=UserFactory())
    EnrollmentFactory(course=session.course, teacher=other)
    at = session.starts_at
    _guess(teacher, session, at)
    assert session_for_code(other, _right(session, at), at) == session


def test_after_the_window_the_right_code_works_again(session, teacher, admitted):
    at = session.starts_at
    _guess(teacher, session, at)
    later = at + 10 * MINUTE
    assert session_for_code(teacher, _right(session, later), later) == session


def test_the_api_answers_429_with_a_code_and_the_wait(client, session, teacher, admitted):
    client.force_login(teacher.user)
    now = timezone.now()
    for _ in range(5):
        assert _post_api(client, {"code": _wrong(session, now)}).status_code == 400
    response = _post_api(client, {"code": _right(session, now)})
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "sign_in_throttled"
    assert 540 < body["retry_after"] <= 600
    assert response["Retry-After"] == str(body["retry_after"])
    assert "分钟后再试" in body["detail"]


def test_the_phone_page_shows_the_wait_message(client, session, teacher, admitted):
    client.force_login(teacher.user)
    now = timezone.now()
    for _ in range(5):
        client.post(reverse("training:sign_in"), {"code": _wrong(session, now), "action": "in"})
    page = client.post(
        reverse("training:sign_in"), {"code": _right(session, now), "action": "in"}
    ).content.decode()
    assert "签到码输错次数过多，请10分钟后再试" in page
    assert not Attendance.objects.filter(session=session, teacher=teacher).exists()


# ---------------------------------------------------------------- one answer for every wrong code


def test_another_open_sessions_code_gets_the_same_answer_as_a_random_code(
    client, session, teacher, admitted
):
    other = SessionFactory(course__region=session.course.region, starts_at=session.starts_at)
    client.force_login(teacher.user)
    now = timezone.now()
    of_other_session = _post_api(client, {"code": _right(other, now)})
    random_code = _post_api(client, {"code": _wrong(session, now)})
    assert of_other_session.status_code == random_code.status_code == 400
    assert of_other_session.json() == random_code.json()


# ---------------------------------------------------------------- the QR link


def test_the_qr_link_carries_a_long_token_and_not_the_code(session):
    now = timezone.now()
    token = codes.link_token(session.pk, now)
    assert len(token) >= 60
    assert _right(session, now) not in token


def test_a_scanned_qr_link_asks_for_one_tap_without_a_code(client, session, teacher, admitted):
    client.force_login(teacher.user)
    token = codes.link_token(session.pk, timezone.now())
    page = client.get(reverse("training:sign_in"), {"t": token}).content.decode()
    assert 'data-testid="sign-in-link"' in page
    assert token in page


def test_the_qr_token_signs_in_on_the_phone_page(client, session, teacher, admitted):
    client.force_login(teacher.user)
    token = codes.link_token(session.pk, timezone.now())
    page = client.post(reverse("training:sign_in"), {"token": token, "action": "in"})
    assert "签到成功" in page.content.decode()
    assert Attendance.objects.filter(session=session, teacher=teacher, present=True).exists()


def test_the_qr_token_signs_in_through_the_api(client, session, teacher, admitted):
    client.force_login(teacher.user)
    token = codes.link_token(session.pk, timezone.now())
    response = _post_api(client, {"token": token})
    assert response.status_code == 200
    assert response.json()["session_id"] == session.pk


def test_the_qr_token_works_while_typed_codes_are_locked(session, teacher, admitted):
    at = session.starts_at
    _guess(teacher, session, at)
    assert session_for_link(codes.link_token(session.pk, at), at) == session


def test_a_tampered_token_is_refused(client, session, teacher, admitted):
    client.force_login(teacher.user)
    token = codes.link_token(session.pk, timezone.now())
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = _post_api(client, {"token": tampered})
    assert response.status_code == 400
    assert "二维码无效或已过期" in response.json()["detail"]


def test_a_token_for_another_session_cannot_be_made_by_editing_the_id(session):
    at = session.starts_at
    rest = codes.link_token(session.pk, at).split(":", 1)[1]
    forged = codes.link_token(session.pk + 1, at).split(":", 1)[0] + ":" + rest
    assert forged != codes.link_token(session.pk, at)
    with pytest.raises(TrainingError, match="二维码无效或已过期"):
        session_for_link(forged, at)


def test_an_expired_token_is_refused(session, teacher, admitted):
    at = session.starts_at
    token = codes.link_token(session.pk, at)
    with pytest.raises(TrainingError, match="二维码无效或已过期"):
        session_for_link(token, at + 3 * MINUTE)


def test_a_token_is_still_good_two_minutes_later(session, teacher, admitted):
    at = session.starts_at
    token = codes.link_token(session.pk, at)
    assert session_for_link(token, at + 2 * MINUTE) == session


def test_a_token_does_not_sign_in_a_teacher_outside_the_class(session, teacher):
    at = session.starts_at
    linked = session_for_link(codes.link_token(session.pk, at), at)
    with pytest.raises(TrainingError, match="您未报名该培训班"):
        sign_in_teacher(linked, teacher, at=at)
