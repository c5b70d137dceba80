"""Marking attendance from a paper sign-in sheet typed into .xlsx/.csv."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.throttle import AttemptLimit
from yanxiu.imports.tables import UnreadableFile, read_table
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Teacher, User
from yanxiu.orgs.scoping import scope_of
from yanxiu.training.models import (
    Attendance,
    AttendanceMethod,
    Enrollment,
    EnrollmentStatus,
    Session,
)
from yanxiu.training.services import TrainingError
from yanxiu.training.services.attendance import require_attendance_manager


@dataclass
class SheetRow:
    line: int
    ok: bool
    message: str


@dataclass
class SheetReport:
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def marked(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


ID_HEADERS = ("身份证号", "身份证号码", "证件号码")
NAME_HEADERS = ("姓名",)
SCHOOL_HEADERS = ("学校", "单位", "学校名称")


def _column(header: list[str], names: Iterable[str]) -> int | None:
    for i, h in enumerate(header):
        if h.replace(" ", "") in names:
            return i
    return None


def import_sign_in_sheet(session: Session, *, by: User, name: str, content: bytes) -> SheetReport:
    """Mark attendance from a paper sheet typed into .xlsx/.csv (身份证号, or 姓名 + 学校).

    Every row is reported; a bad row never stops the good ones. Re-importing the same
    sheet changes nothing, since attendance is one row per (session, teacher).
    """
    require_attendance_manager(session, by)
    try:
        table = read_table(io.BytesIO(content), name)
    except UnreadableFile as exc:
        raise TrainingError(str(exc)) from exc
    report = SheetReport()
    header = table.header
    id_col = _column(header, ID_HEADERS)
    name_col = _column(header, NAME_HEADERS)
    school_col = _column(header, SCHOOL_HEADERS)
    if id_col is None and (name_col is None or school_col is None):
        raise TrainingError(_("签到表需要“身份证号”列，或“姓名”和“学校”两列"))
    admitted = {
        e.teacher_id: e.teacher
        for e in Enrollment.objects.filter(
            course_id=session.course_id, status=EnrollmentStatus.APPROVED
        ).select_related("teacher__school")
    }
    by_hash = {t.id_number_hash: t for t in admitted.values()}
    by_name: dict[tuple[str, str], list[Teacher]] = {}
    for t in admitted.values():
        by_name.setdefault((t.name, t.school.name), []).append(t)
    matched = [
        (line, *_match_row(row, id_col, name_col, school_col, by_hash, by_name))
        for line, row in enumerate(table.rows, start=table.first_row_number)
        if any(row)
    ]
    _limit_unknown_id_numbers(session, by, sum(1 for m in matched if m[2] == _unknown_id()))
    reason = _("纸质签到表导入：%(file)s") % {"file": name}
    for line, teacher, problem in matched:
        if teacher is None:
            report.rows.append(SheetRow(line, False, problem))
            continue
        Attendance.objects.update_or_create(
            session=session,
            teacher=teacher,
            defaults={
                "present": True,
                "method": AttendanceMethod.SHEET,
                "marked_by": by,
                "reason": reason,
            },
        )
        report.rows.append(SheetRow(line, True, teacher.name))
    return report


def _unknown_id() -> str:
    return _("身份证号不在本班录取名单中")


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


def _match_row(
    row: list[str],
    id_col: int | None,
    name_col: int | None,
    school_col: int | None,
    by_hash: dict[str, Teacher],
    by_name: dict[tuple[str, str], list[Teacher]],
) -> tuple[Teacher | None, str]:
    def cell(i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    raw_id = cell(id_col)
    if raw_id:
        try:
            number = idnumbers.normalize(raw_id)
        except idnumbers.InvalidIdNumber as exc:
            return None, str(exc)
        teacher = by_hash.get(idnumbers.digest(number))
        if teacher is None:
            return None, _unknown_id()
        return teacher, ""
    name, school = cell(name_col), cell(school_col)
    if not name or not school:
        return None, _("缺少身份证号，或缺少姓名和学校")
    matches = by_name.get((name, school), [])
    if not matches:
        return None, _("%(school)s的%(name)s不在本班录取名单中") % {"school": school, "name": name}
    if len(matches) > 1:
        return None, _("%(school)s有多名%(name)s，请改用身份证号") % {
            "school": school,
            "name": name,
        }
    return matches[0], ""
