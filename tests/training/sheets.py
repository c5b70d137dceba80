"""Importing a sign-in sheet the way the attendance page does: preview, then commit."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from yanxiu.imports.models import ImportJob, Outcome
from yanxiu.orgs.models import User
from yanxiu.training.models import Session
from yanxiu.training.sheet_import import commit_sign_in_sheet, preview_sign_in_sheet


@dataclass(frozen=True)
class SheetRow:
    line: int
    ok: bool
    message: str


@dataclass(frozen=True)
class SheetReport:
    """The job's report as lines: a matched row names its learner, a refused one its errors."""

    job: ImportJob
    rows: list[SheetRow]

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.ok)


def import_sheet(
    session: Session, *, by: User, content: bytes, name: str = "签到.csv"
) -> SheetReport:
    job = preview_sign_in_sheet(session, SimpleUploadedFile(name, content), by=by)
    if job.can_commit:
        commit_sign_in_sheet(session, job, by=by)
    rows = [
        SheetRow(
            row.row_number,
            row.outcome != Outcome.REJECTED,
            "；".join(e.message for e in row.errors) or row.label,
        )
        for row in job.row_reports()
    ]
    return SheetReport(job, rows)
