"""Attendance recorded by hand by a class's organizer, with the reason kept on the row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yanxiu.orgs.models import Teacher, User
from yanxiu.training.models import (
    Attendance,
    AttendanceMethod,
    Enrollment,
    EnrollmentStatus,
    Session,
)
from yanxiu.training.services import TrainingError


def require_attendance_manager(session: Session, by: User) -> None:
    if not by.has_perm("training.manage_attendance", session.course):
        raise TrainingError(_("只有该培训班的负责人或培训中心可以登记考勤"))


def mark_attendance(
    session: Session,
    teacher: Teacher,
    *,
    by: User,
    present: bool,
    reason: str,
    is_late: bool = False,
    left_early: bool = False,
) -> Attendance:
    """An organizer records attendance by hand; the reason is kept with the row."""
    require_attendance_manager(session, by)
    if not reason.strip():
        raise TrainingError(_("手工登记考勤必须填写原因"))
    if not Enrollment.objects.filter(
        course_id=session.course_id, teacher=teacher, status=EnrollmentStatus.APPROVED
    ).exists():
        raise TrainingError(
            _("%(teacher)s未被录取到本培训班，不能登记考勤") % {"teacher": teacher.name}
        )
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        teacher=teacher,
        defaults={
            "present": present,
            "is_late": is_late and present,
            "left_early": left_early and present,
            "method": AttendanceMethod.MANUAL,
            "marked_by": by,
            "reason": reason.strip(),
        },
    )
    return attendance
