"""Closing a class (结班): its credits go to the ledger once, with the class as their source."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.credits.services import CreditError, DuplicateCredit, post_credit
from yanxiu.notifications.services import notify
from yanxiu.orgs.models import User
from yanxiu.training.models import (
    ACTIVE_STATUSES,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
)
from yanxiu.training.selectors import completions
from yanxiu.training.services import TrainingError
from yanxiu.training.services.enrollment import lock_course


@dataclass
class CloseReport:
    posted: int = 0
    already_posted: int = 0
    not_completed: int = 0
    errors: list[str] = field(default_factory=list)


def post_course_credits(course: Course, *, by: User) -> CloseReport:
    """Post credits to every teacher who completed; safe to repeat (the ledger refuses twins)."""
    report = CloseReport()
    if course.credit_amount <= Decimal("0"):
        return report
    occurred = course.sessions.aggregate(last=Max("ends_at"))["last"]
    occurred_on = timezone.localdate(occurred) if occurred else timezone.localdate()
    done = completions(course)
    enrollments = Enrollment.objects.filter(
        course=course, status=EnrollmentStatus.APPROVED
    ).select_related("teacher")
    for enrollment in enrollments:
        status = done.get(enrollment.teacher_id)
        if status is None or not status.completed:
            report.not_completed += 1
            continue
        try:
            with transaction.atomic():
                post_credit(
                    teacher=enrollment.teacher,
                    year=course.year,
                    category=course.credit_category,
                    amount=course.credit_amount,
                    unit=course.credit_unit,
                    source=course,
                    certified_by=by,
                    occurred_on=occurred_on,
                )
        except DuplicateCredit:
            report.already_posted += 1
        except CreditError as exc:
            report.errors.append(f"{enrollment.teacher.name}：{exc}")
            continue
        else:
            report.posted += 1
        if not enrollment.credit_posted:
            Enrollment.objects.filter(pk=enrollment.pk).update(credit_posted=True)
    return report


@transaction.atomic
def close_course(course: Course, *, by: User) -> CloseReport:
    """Close a class (结班) and post its credits once, with the class as their source."""
    if not by.has_perm("training.manage_attendance", course):
        raise TrainingError(_("只有该培训班的负责人或培训中心可以结班"))
    course = lock_course(course)
    if course.status == CourseStatus.CLOSED:
        raise TrainingError(
            _("该培训班已于%(at)s结班，学分已登记，不会重复登记")
            % {"at": timezone.localtime(course.closed_at).strftime("%Y-%m-%d %H:%M")}
        )
    if course.status != CourseStatus.PUBLISHED:
        raise TrainingError(_("只有已发布的培训班可以结班"))
    course.status = CourseStatus.CLOSED
    course.closed_at = timezone.now()
    course.closed_by = by
    course.save(update_fields=["status", "closed_at", "closed_by", "org_path"])
    # Pending and waitlisted applications end with the class.
    Enrollment.objects.filter(
        course=course, status__in=[s for s in ACTIVE_STATUSES if s != EnrollmentStatus.APPROVED]
    ).update(status=EnrollmentStatus.REJECTED, note=_("培训班已结班"))
    report = post_course_credits(course, by=by)
    completed_users = [
        e.teacher.user
        for e in Enrollment.objects.filter(course=course, credit_posted=True).select_related(
            "teacher__user"
        )
        if e.teacher.user is not None
    ]
    notify(
        completed_users,
        _("“%(course)s”已结班，学分已登记") % {"course": course.title},
        url=reverse("training:course_detail", args=[course.pk]),
    )
    return report


def close_finished_courses(
    now: datetime.datetime | None = None,
) -> list[tuple[Course, CloseReport]]:
    """Close every published class whose last session has ended (run by cron or a task)."""
    now = now or timezone.now()
    finished = (
        Course.objects.filter(status=CourseStatus.PUBLISHED, organizer__isnull=False)
        .annotate(last_end=Max("sessions__ends_at"))
        .filter(last_end__lt=now)
        .select_related("organizer")
    )
    closed = []
    for course in finished:
        assert course.organizer is not None
        closed.append((course, close_course(course, by=course.organizer)))
    return closed
