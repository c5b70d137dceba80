"""The command-line side of every import: run a file through an importer and print the report.

``import_roster`` and ``import_credits`` both call ``import_file``: the same
row-by-row report as the import page, and exit status 1 when any row is
rejected, so that a script notices a file that needs fixing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _

from yanxiu.imports.engine import ImportFailed, TableImport, preview_import, run_import
from yanxiu.imports.models import ImportJob


def import_file(
    importer: TableImport,
    file: Path,
    *,
    by: AbstractBaseUser | None,
    dry_run: bool,
    out: OutputWrapper,
) -> ImportJob:
    """Preview (dry run) or import ``file``; print the report; CommandError(1) on rejected rows."""
    if not file.is_file():
        raise CommandError(_("找不到文件：%(file)s") % {"file": file})
    with file.open("rb") as source:
        upload = File(source, name=file.name)
        try:
            job = (
                preview_import(importer, upload, by=by)
                if dry_run
                else run_import(importer, upload, by=by, commit=True)
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
    out.write(report_text(job))
    if job.rejected_rows or job.file_errors:
        raise CommandError(_("%(n)d 行有错误") % {"n": job.rejected_rows}, returncode=1)
    return job


def report_text(job: ImportJob) -> str:
    """The page's error table and counts, as lines of text."""
    lines = [
        "\t".join(
            (
                _("第%(row)d行") % {"row": e.row_number} if e.row_number > 1 else _("表头"),
                e.column,
                e.message,
            )
        )
        for e in job.errors()
    ]
    lines += [
        "\t".join((_("第%(row)d行") % {"row": w.row_number}, w.column, _("请核对：") + w.message))
        for w in job.warnings
    ]
    counts = {
        "name": job.original_name,
        "total": job.total_rows,
        "valid": job.valid_rows,
        "rejected": job.rejected_rows,
        "created": job.created_rows,
        "updated": job.updated_rows,
        "unchanged": job.unchanged_rows,
        "status": job.get_status_display(),
        "job": job.pk,
    }
    lines.append(
        _(
            "%(name)s：共 %(total)d 行，有效 %(valid)d 行，错误 %(rejected)d 行；"
            "新增 %(created)d，更新 %(updated)d，无变化 %(unchanged)d"
            "（%(status)s，导入任务 #%(job)d）"
        )
        % counts
    )
    return "\n".join(lines)
