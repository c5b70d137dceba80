"""An activity's sign-in sheet (签到表) on the import engine: upload → preview → commit.

The sheet names each participant by 身份证号 or 姓名 (the activity's people are of one
school; a 学校 column, if present, is matched too), with an optional 出勤 column (是/否;
blank means attended). The preview shows each row's teacher or error; committing marks
them, and importing the same sheet again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

from yanxiu.imports.engine import Column, ParsedRow, TableImport, commit_import, preview_import
from yanxiu.imports.models import ImportJob, ImportJobQuerySet, Outcome
from yanxiu.imports.parsers import parse_bool
from yanxiu.orgs.models import Teacher, User
from yanxiu.orgs.sheets import (
    TeacherMatcher,
    id_number_column,
    import_job_list,
    name_column,
    school_column,
)
from yanxiu.projects.models import RUNNING_STATES, ProjectActivity
from yanxiu.projects.services import _locked, _refuse_state, _require


class ActivitySheetImport(TableImport):
    """The sign-in sheet of one activity: each row marks a participant present or absent."""

    columns = (
        id_number_column(required=False),
        name_column(required=False),
        school_column(required=False),
        Column("present", "出勤", aliases=("是否出勤", "签到"), parser=parse_bool),
    )

    def __init__(self, activity: ProjectActivity) -> None:
        self.activity = activity
        self.kind = sheet_kind(activity)

    @property
    def org_path(self) -> str:
        return self.activity.project.org_path

    def header_error(self, keys: set[str]) -> str | None:
        if keys & {"id_number", "name"}:
            return None
        return _("签到表需要“姓名”或“身份证号”列。")

    def check(self, rows: list[ParsedRow]) -> None:
        attended = dict(self.activity.attendance.values_list("teacher_id", "attended"))
        matcher = TeacherMatcher(
            Teacher.objects.filter(pk__in=list(attended)).select_related("school"),
            not_listed=_("%(person)s不是本活动的参加者"),
        )
        for row in rows:
            teacher = matcher.match(row)
            if teacher is None:
                continue
            present = row.values.get("present")
            row.plan = (teacher.pk, present is not False)
            row.label = teacher.name
            unchanged = attended[teacher.pk] == row.plan[1]
            row.outcome = Outcome.UNCHANGED if unchanged else Outcome.UPDATED

    def write(self, rows: list[ParsedRow]) -> None:
        project = _locked(self.activity.project)
        if project.state not in RUNNING_STATES:
            raise _refuse_state(project, _("修改考勤"))
        marks: dict[int, bool] = dict(row.plan for row in rows if row.outcome == Outcome.UPDATED)
        for present in (True, False):
            ids = [pk for pk, value in marks.items() if value is present]
            self.activity.attendance.filter(teacher_id__in=ids).update(attended=present)


def sheet_kind(activity: ProjectActivity) -> str:
    """The import kind of one activity's sheets: a job commits only into its own activity."""
    return f"activity_sheet:{activity.pk}"


def sheet_jobs(activity: ProjectActivity, user: User) -> ImportJobQuerySet:
    """The activity's sheet imports ``user`` may read."""
    return import_job_list(user, kind=sheet_kind(activity))


def _require_recorder(activity: ProjectActivity, by: User) -> None:
    project = activity.project
    _require(by, "projects.record_activity", project, _("只有本校管理员可以登记本校活动的考勤。"))
    if project.state not in RUNNING_STATES:
        raise _refuse_state(project, _("修改考勤"))


def preview_activity_sheet(activity: ProjectActivity, upload: File[Any], *, by: User) -> ImportJob:
    """Keep the sheet and report each row's participant or error, marking nobody yet."""
    _require_recorder(activity, by)
    return preview_import(ActivitySheetImport(activity), upload, by=by)


def commit_activity_sheet(activity: ProjectActivity, job: ImportJob, *, by: User) -> ImportJob:
    """Mark the participants of a previewed sheet's valid rows (checked again first)."""
    _require_recorder(activity, by)
    return commit_import(job, ActivitySheetImport(activity))
