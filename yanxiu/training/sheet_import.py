"""A class session's paper sign-in sheet (纸质签到表) on the import engine.

The organizer uploads the typed-up sheet (身份证号, or 姓名 + 学校); the preview lists
every row with its learner or its error; committing marks the matched learners present.
Re-importing the same sheet changes nothing, since attendance is one row per (session,
teacher), and a learner already marked present keeps how they signed in.

Which row matched which learner tells whether a typed ID number is right, so the preview
counts the numbers of nobody admitted against an uploader who does not manage the
region's roster, and refuses the whole sheet past the limit (``TRAINING_SHEET_UNKNOWN_IDS``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.throttle import AttemptLimit
from yanxiu.imports.engine import ParsedRow, TableImport, commit_import, preview_import
from yanxiu.imports.models import ImportJob, ImportJobQuerySet, Outcome
from yanxiu.orgs.models import User
from yanxiu.orgs.scoping import scope_of
from yanxiu.orgs.sheets import (
    TeacherMatcher,
    id_number_column,
    import_job_list,
    name_column,
    school_column,
)
from yanxiu.training.models import (
    Attendance,
    AttendanceMethod,
    Enrollment,
    EnrollmentStatus,
    Session,
)
from yanxiu.training.services import TrainingError
from yanxiu.training.services.attendance import require_attendance_manager


class SignInSheetImport(TableImport):
    """A session's sign-in sheet, imported by ``by``.

    ``recheck``: a commit checks a previewed file again; its unknown ID numbers were
    counted when it was previewed, so they are not counted twice.
    """

    columns = (
        id_number_column(required=False),
        name_column(required=False),
        school_column(required=False),
    )

    def __init__(self, session: Session, *, by: User, recheck: bool = False) -> None:
        self.session = session
        self.by = by
        self.recheck = recheck
        self.kind = sheet_kind(session)

    @property
    def org_path(self) -> str:
        return self.session.course.org_path

    def header_error(self, keys: set[str]) -> str | None:
        if "id_number" in keys or {"name", "school"} <= keys:
            return None
        return _("签到表需要“身份证号”列，或“姓名”和“学校”两列")

    def check(self, rows: list[ParsedRow]) -> None:
        admitted = [
            e.teacher
            for e in Enrollment.objects.filter(
                course_id=self.session.course_id, status=EnrollmentStatus.APPROVED
            ).select_related("teacher__school")
        ]
        matcher = TeacherMatcher(admitted, not_listed=_("%(person)s不在本班录取名单中"))
        unknown = 0
        for row in rows:
            teacher = matcher.match(row)
            if teacher is None:
                unknown += bool(row.values.get("id_number"))
                continue
            row.label = teacher.name
            row.plan = teacher
        if not self.recheck:
            _limit_unknown_id_numbers(self.session, self.by, unknown)
        present = dict(
            Attendance.objects.filter(session=self.session).values_list("teacher_id", "present")
        )
        for row in rows:
            if row.ok:
                stored = present.get(row.plan.pk)
                row.outcome = (
                    Outcome.CREATED
                    if stored is None
                    else Outcome.UNCHANGED
                    if stored
                    else Outcome.UPDATED
                )

    def write(self, rows: list[ParsedRow]) -> None:
        reason = _("纸质签到表导入：%(file)s") % {"file": self.file_name}
        for row in rows:
            if row.outcome in (Outcome.CREATED, Outcome.UPDATED):
                Attendance.objects.update_or_create(
                    session=self.session,
                    teacher=row.plan,
                    defaults={
                        "present": True,
                        "method": AttendanceMethod.SHEET,
                        "marked_by": self.by,
                        "reason": reason,
                    },
                )


def _limit_unknown_id_numbers(session: Session, by: User, unknown: int) -> None:
    """Refuse a sheet once its uploader has tried too many ID numbers of nobody admitted.

    Which row matched which learner tells whether a guessed number is right, so a
    course organizer who does not manage the region's roster could otherwise test
    candidate numbers sheet by sheet. Those who manage it see the numbers already.
    """
    if unknown == 0 or scope_of(by).manages(session.course.org_path):
        return
    attempts = AttemptLimit(
        "sign-in-sheet-id",
        limit=settings.TRAINING_SHEET_UNKNOWN_IDS,
        window=settings.TRAINING_SHEET_UNKNOWN_IDS_WINDOW,
    )
    now = timezone.now()
    for _attempt in range(unknown):
        if attempts.begin(str(by.pk), now) is not None:
            raise TrainingError(
                _(
                    "签到表中与本班录取名单不符的身份证号过多，已整体退回；请核对后重传，或请培训中心导入"
                )
            )


def sheet_kind(session: Session) -> str:
    """The import kind of one session's sheets: a job commits only into its own session."""
    return f"sign_in_sheet:{session.pk}"


def sheet_jobs(session: Session, user: User) -> ImportJobQuerySet:
    """The session's sheet imports ``user`` may read."""
    return import_job_list(user, kind=sheet_kind(session))


def preview_sign_in_sheet(session: Session, upload: File[Any], *, by: User) -> ImportJob:
    """Keep the sheet and report each row's learner or error, marking nobody yet."""
    require_attendance_manager(session, by)
    return preview_import(SignInSheetImport(session, by=by), upload, by=by)


def commit_sign_in_sheet(session: Session, job: ImportJob, *, by: User) -> ImportJob:
    """Mark the learners of a previewed sheet's valid rows present (checked again first)."""
    require_attendance_manager(session, by)
    return commit_import(job, SignInSheetImport(session, by=by, recheck=True))
