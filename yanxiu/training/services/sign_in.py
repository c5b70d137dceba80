"""Signing in and out of a session, by a typed rotating code or a scanned QR link."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.throttle import AttemptLimit
from yanxiu.orgs.models import Teacher
from yanxiu.training import codes
from yanxiu.training.models import (
    Attendance,
    AttendanceMethod,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Session,
)
from yanxiu.training.selectors import SIGN_IN_OPENS_BEFORE, SIGN_OUT_CLOSES_AFTER, open_sessions
from yanxiu.training.services import SignInThrottled, TrainingError

# ---------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignInResult:
    attendance: Attendance
    already: bool


def _approved(session: Session, teacher: Teacher) -> None:
    status = (
        Enrollment.objects.filter(course_id=session.course_id, teacher=teacher)
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        raise TrainingError(_("您未报名该培训班，不能签到"))
    if status != EnrollmentStatus.APPROVED:
        raise TrainingError(
            _("您在该培训班的报名状态为“%(status)s”，不能签到")
            % {"status": EnrollmentStatus(status).label}
        )


def sign_in_teacher(
    session: Session, teacher: Teacher, *, at: datetime.datetime | None = None
) -> SignInResult:
    """Record a teacher's arrival; signing in twice keeps the first arrival.

    The session comes from a typed code (session_for_code) or a QR link
    (session_for_link), which is where the teacher proves they are in the room.
    """
    at = at or timezone.now()
    course = session.course
    if course.status == CourseStatus.CLOSED:
        raise TrainingError(_("该培训班已结班，不能签到"))
    if at < session.starts_at - SIGN_IN_OPENS_BEFORE:
        raise TrainingError(_("该场次签到尚未开始"))
    if at > session.ends_at:
        raise TrainingError(_("该场次已结束，不能签到"))
    _approved(session, teacher)
    late = at > session.starts_at + datetime.timedelta(minutes=course.grace_minutes)
    try:
        # Most taps are first taps: insert straight away and let the unique constraint
        # catch repeats (and two taps racing), rather than look first.
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                teacher=teacher,
                signed_in_at=at,
                is_late=late,
                present=True,
                method=AttendanceMethod.CODE,
            )
    except IntegrityError:
        attendance, created = Attendance.objects.get(session=session, teacher=teacher), False
    else:
        created = True
    if created:
        return SignInResult(attendance, already=False)
    if attendance.signed_in_at is None or not attendance.present:
        attendance.signed_in_at = at
        attendance.is_late = late
        attendance.present = True
        attendance.method = AttendanceMethod.CODE
        attendance.save(
            update_fields=["signed_in_at", "is_late", "present", "method", "updated_at"]
        )
        return SignInResult(attendance, already=False)
    return SignInResult(attendance, already=True)


def sign_out_teacher(
    session: Session, teacher: Teacher, *, at: datetime.datetime | None = None
) -> Attendance:
    """Record a teacher's departure; the last sign-out counts (session as for sign_in_teacher)."""
    at = at or timezone.now()
    if at > session.ends_at + SIGN_OUT_CLOSES_AFTER:
        raise TrainingError(_("该场次签退已截止"))
    _approved(session, teacher)
    attendance = Attendance.objects.filter(session=session, teacher=teacher).first()
    if attendance is None or attendance.signed_in_at is None:
        raise TrainingError(_("您尚未签到，不能签退"))
    grace = datetime.timedelta(minutes=session.course.grace_minutes)
    attendance.signed_out_at = at
    attendance.left_early = at < session.ends_at - grace
    attendance.save(update_fields=["signed_out_at", "left_early", "updated_at"])
    return attendance


def _code_attempts() -> AttemptLimit:
    return AttemptLimit(
        "sign-in-code",
        limit=settings.TRAINING_SIGN_IN_CODE_FAILURES,
        window=settings.TRAINING_SIGN_IN_CODE_WINDOW,
    )


def session_for_code(teacher: Teacher, code: str, at: datetime.datetime) -> Session:
    """Which session a typed code belongs to, so a teacher needs to type nothing else.

    Six digits can be guessed, so each teacher has a few wrong codes per window
    (settings.TRAINING_SIGN_IN_CODE_FAILURES / _WINDOW), counted per person and not per
    session: a stranger's guesses must not lock a class out. Every wrong code gets the
    same answer, whether or not it is another session's code.
    """
    attempts = _code_attempts()
    who = str(teacher.pk)
    wait_ends = attempts.begin(who, at)
    if wait_ends is not None:
        raise SignInThrottled(wait_ends - at)
    for session in open_sessions(teacher, at):
        if codes.code_is_valid(session.pk, code, at):
            attempts.succeeded(who)
            return session
    raise TrainingError(_("签到码错误或已过期，请输入现场屏幕上的最新签到码"))


def session_for_link(token: str, at: datetime.datetime) -> Session:
    """The session a scanned QR link signs into; sign_in_teacher still checks the enrollment."""
    session_id = codes.session_of_link(token, at)
    session = (
        Session.objects.filter(pk=session_id).select_related("course").first()
        if session_id is not None
        else None
    )
    if session is None:
        raise TrainingError(_("二维码无效或已过期，请重新扫描现场屏幕上的二维码"))
    return session
