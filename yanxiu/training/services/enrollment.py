"""Enrollment and its approvals: a teacher enrolls or is nominated, the school and the
center approve in turn, a full class keeps a waitlist that moves up when a place frees."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.duties import ensure_not_self
from yanxiu.notifications.services import notify
from yanxiu.orgs.models import Role, Teacher, User
from yanxiu.orgs.selectors import users_holding
from yanxiu.training.models import (
    Approval,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
)
from yanxiu.training.selectors import eligibility_problems
from yanxiu.training.services import TrainingError


def _record(enrollment: Enrollment, old: str, *, by: User | None, note: str = "") -> None:
    EnrollmentEvent.objects.create(
        enrollment=enrollment, from_status=old, to_status=enrollment.status, by=by, note=note
    )


def _admit(enrollment: Enrollment, now: datetime.datetime) -> None:
    """Give a place if one is free, else put the teacher on the waitlist.

    Callers hold the course row locked, so two admissions cannot take the last place.
    """
    course = enrollment.course
    taken = (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.APPROVED)
        .exclude(pk=enrollment.pk)
        .count()
    )
    if course.capacity is None or taken < course.capacity:
        enrollment.status = EnrollmentStatus.APPROVED
        enrollment.waitlisted_at = None
    else:
        enrollment.status = EnrollmentStatus.WAITLISTED
        enrollment.waitlisted_at = now


def lock_course(course: Course) -> Course:
    """The course row, locked until the transaction ends: admissions and closing queue up."""
    return Course.objects.select_for_update().get(pk=course.pk)


def _enrollment_url(enrollment: Enrollment) -> str:
    return reverse("training:course_detail", args=[enrollment.course_id])


def _tell_teacher(enrollment: Enrollment, title: str, body: str = "") -> None:
    user = enrollment.teacher.user
    if user is not None:
        notify([user], title, body=body, url=_enrollment_url(enrollment))


def _notify_next_approvers(enrollment: Enrollment) -> None:
    course = enrollment.course
    teacher = enrollment.teacher
    params = {"teacher": teacher.name, "course": course.title}
    url = reverse("training:approvals")
    if enrollment.status == EnrollmentStatus.PENDING_SCHOOL:
        notify(
            users_holding(Role.SCHOOL_ADMIN, school_id=teacher.school_id),
            _("%(teacher)s报名了“%(course)s”，请审核") % params,
            url=url,
        )
    elif enrollment.status == EnrollmentStatus.PENDING_CENTER:
        notify(
            users_holding(Role.CENTER_STAFF, region_id=course.region_id),
            _("学校已同意%(teacher)s报名“%(course)s”，请培训中心审核") % params,
            url=url,
        )
    elif enrollment.status == EnrollmentStatus.APPROVED:
        _tell_teacher(enrollment, _("您已被“%(course)s”录取") % params)
    elif enrollment.status == EnrollmentStatus.WAITLISTED:
        _tell_teacher(enrollment, _("“%(course)s”名额已满，您已进入候补名单") % params)


@transaction.atomic
def enroll_teacher(course: Course, teacher: Teacher, *, by: User) -> Enrollment:
    """Register ``teacher`` (by themselves) or nominate them (by their school admin)."""
    if not by.has_perm("training.enroll_teacher", teacher):
        raise TrainingError(_("您只能为自己或本校教师报名"))
    course = lock_course(course)
    if course.status != CourseStatus.PUBLISHED:
        raise TrainingError(_("该课程未开放报名"))
    problems = eligibility_problems(course, teacher)
    if problems:
        raise TrainingError(_("不符合报名条件：%(why)s") % {"why": "；".join(problems)})
    enrollment = Enrollment.objects.filter(course=course, teacher=teacher).first()
    if enrollment is not None and enrollment.is_active:
        raise TrainingError(
            _("已报名该课程（%(status)s），无需重复报名")
            % {"status": enrollment.get_status_display()}
        )
    nominated = teacher.user_id != by.pk
    now = timezone.now()
    if enrollment is None:
        enrollment = Enrollment(course=course, teacher=teacher)
    old = enrollment.status or ""
    enrollment.course = course
    enrollment.applied_at = now
    enrollment.decided_at = None
    enrollment.nominated_by = by if nominated else None
    enrollment.note = ""
    # A nomination is the school's consent, so it skips the school step.
    if course.approval == Approval.NONE or (nominated and course.approval == Approval.SCHOOL):
        _admit(enrollment, now)
    elif course.approval == Approval.SCHOOL_CENTER and nominated:
        enrollment.status = EnrollmentStatus.PENDING_CENTER
    else:
        enrollment.status = EnrollmentStatus.PENDING_SCHOOL
    enrollment.save()
    _record(enrollment, old, by=by, note=_("学校推荐") if nominated else _("本人报名"))
    _notify_next_approvers(enrollment)
    return enrollment


@transaction.atomic
def approve_enrollment(enrollment: Enrollment, *, by: User, note: str = "") -> Enrollment:
    """The next approver agrees: the school passes it on or admits; the center admits."""
    lock_course(enrollment.course)
    enrollment.refresh_from_db()
    old = enrollment.status
    course = enrollment.course
    if old == EnrollmentStatus.PENDING_SCHOOL:
        if not by.has_perm("training.approve_for_school", enrollment):
            raise TrainingError(_("只有该教师所在学校的管理员可以审核此报名"))
        ensure_not_self(by, enrollment.teacher.user_id, _("审核该报名"), error=TrainingError)
        if course.approval == Approval.SCHOOL_CENTER:
            enrollment.status = EnrollmentStatus.PENDING_CENTER
        else:
            _admit(enrollment, timezone.now())
    elif old == EnrollmentStatus.PENDING_CENTER:
        if not by.has_perm("training.approve_for_center", enrollment):
            raise TrainingError(_("只有培训中心可以审核此报名"))
        ensure_not_self(by, enrollment.teacher.user_id, _("审核该报名"), error=TrainingError)
        _admit(enrollment, timezone.now())
    else:
        raise TrainingError(
            _("该报名当前状态为“%(status)s”，无需审核")
            % {"status": enrollment.get_status_display()}
        )
    if enrollment.status in (EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED):
        enrollment.decided_at = timezone.now()
    enrollment.note = note
    enrollment.save()
    _record(enrollment, old, by=by, note=note)
    _notify_next_approvers(enrollment)
    return enrollment


@transaction.atomic
def reject_enrollment(enrollment: Enrollment, *, by: User, reason: str) -> Enrollment:
    enrollment.refresh_from_db()
    old = enrollment.status
    if old == EnrollmentStatus.PENDING_SCHOOL:
        allowed = by.has_perm("training.approve_for_school", enrollment)
    elif old == EnrollmentStatus.PENDING_CENTER:
        allowed = by.has_perm("training.approve_for_center", enrollment)
    else:
        raise TrainingError(
            _("该报名当前状态为“%(status)s”，无需审核")
            % {"status": enrollment.get_status_display()}
        )
    if not allowed:
        raise TrainingError(_("您无权审核此报名"))
    ensure_not_self(by, enrollment.teacher.user_id, _("审核该报名"), error=TrainingError)
    if not reason.strip():
        raise TrainingError(_("不同意报名时必须填写原因"))
    enrollment.status = EnrollmentStatus.REJECTED
    enrollment.decided_at = timezone.now()
    enrollment.note = reason.strip()
    enrollment.save()
    _record(enrollment, old, by=by, note=enrollment.note)
    _tell_teacher(
        enrollment,
        _("您报名的“%(course)s”未通过审核") % {"course": enrollment.course.title},
        body=enrollment.note,
    )
    return enrollment


@transaction.atomic
def withdraw_enrollment(enrollment: Enrollment, *, by: User, reason: str = "") -> Enrollment:
    """Leave a course; a freed place goes to the first teacher on the waitlist."""
    if not by.has_perm("training.withdraw", enrollment):
        raise TrainingError(_("您无权为该教师退出报名"))
    course = lock_course(enrollment.course)
    enrollment.refresh_from_db()
    if course.status == CourseStatus.CLOSED:
        raise TrainingError(_("该培训班已结班，不能退出"))
    if not enrollment.is_active:
        raise TrainingError(
            _("该报名当前状态为“%(status)s”，不能退出")
            % {"status": enrollment.get_status_display()}
        )
    old = enrollment.status
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.waitlisted_at = None
    enrollment.note = reason
    enrollment.save()
    _record(enrollment, old, by=by, note=reason)
    if old == EnrollmentStatus.APPROVED:
        promote_from_waitlist(course)
    return enrollment


def promote_from_waitlist(course: Course) -> Enrollment | None:
    """Admit the longest-waiting teacher if a place is free (course row already locked)."""
    first = (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.WAITLISTED)
        .select_related("teacher__user", "course")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None:
        return None
    _admit(first, timezone.now())
    if first.status != EnrollmentStatus.APPROVED:
        return None
    first.decided_at = timezone.now()
    first.save()
    _record(first, EnrollmentStatus.WAITLISTED, by=None, note=_("候补递补"))
    _tell_teacher(first, _("有名额空出，您已被“%(course)s”录取") % {"course": course.title})
    return first
