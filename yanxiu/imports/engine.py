"""The import engine: match headers, parse cells, let the domain check and write rows.

A domain import (the roster, credit entries …) subclasses ``TableImport`` with
its ``columns``, a ``check`` that decides each row's outcome against the
database, and a ``write`` that stores the valid rows. The engine does the rest:

- ``preview_import`` keeps the uploaded file, parses and checks every row and
  records the report in an ``ImportJob``, writing nothing to domain tables;
- ``commit_import`` re-reads the kept file, checks again (the database may have
  changed since the preview) and writes the valid rows in one transaction;
- ``run_import`` does both in one pass, for the command line.

Re-importing a file whose rows are already stored reports every row unchanged.
The engine knows nothing of organizations: each import brings its own matching (people
imports take theirs from the organizations' ``sheets`` module) and the pages their own scope.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yanxiu.core.busy import is_database_busy
from yanxiu.core.errors import DomainError
from yanxiu.imports.models import COMMITTABLE, ImportJob, Outcome, RowError
from yanxiu.imports.parsers import CellError, Parser, text
from yanxiu.imports.tables import Table, UnreadableFile, read_table, write_table

logger = logging.getLogger(__name__)

ERROR_COLUMN = "错误说明"
ALREADY_DONE = gettext_lazy("该导入任务已处理，不能重复导入")
LEFT_OUT = gettext_lazy("有错误（错误过多，未逐条记录；请先改正已列出的错误后重新导入）")
# A report is kept with its job and read on every view of it. The reader bounds the rows
# (IMPORT_MAX_ROWS); these bound what is kept of each, and how many rows keep their errors.
REPORTED_ERROR_ROWS = 10_000
REPORTED_WARNINGS = 10_000
ERRORS_PER_ROW = 5
FILE_ERRORS = 100
MESSAGE_CHARS = 200
LABEL_CHARS = 60
REPORT_PAGE_SIZE = 100


@dataclass(frozen=True)
class Alias:
    """Another header for a column, optionally read differently (教龄 for 参加工作年份)."""

    header: str
    parser: Parser | None = None


@dataclass(frozen=True)
class Column:
    """One column of an import: its header, other accepted headers, and how to read a cell."""

    key: str
    header: str
    aliases: tuple[str | Alias, ...] = ()
    required: bool = False
    parser: Parser = text
    # A doubt about a parsed value that does not stop the row (an unlikely age, say).
    warn: Callable[[Any], str | None] | None = None

    def headers(self) -> Iterator[tuple[str, Parser]]:
        yield self.header, self.parser
        for alias in self.aliases:
            if isinstance(alias, Alias):
                yield alias.header, alias.parser or self.parser
            else:
                yield alias, self.parser


@dataclass
class ParsedRow:
    """One data row: parsed values by column key, its errors, and the outcome decided by check.

    ``values`` lacks a key when the file has no such column, and holds None for a
    blank cell, so that an import can leave absent columns untouched.
    """

    number: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    outcome: str = ""
    label: str = ""
    plan: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def reject(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


class TableImport(ABC):
    """What a domain import knows: its columns, how to check rows and how to write them."""

    kind: str
    columns: ClassVar[tuple[Column, ...]]
    # The uploaded file's name, set by the engine before the rows are checked.
    file_name: str = ""

    @property
    def org_path(self) -> str:
        """The part of the organization this import acts for (see ``ImportJob.org_path``)."""
        return ""

    def label(self, row: ParsedRow) -> str:
        """How the report names a row (e.g. the person's name)."""
        return str(row.values.get(self.columns[0].key) or "")

    def header_error(self, keys: set[str]) -> str | None:
        """Why the columns found (by key) cannot make an import, beyond a missing required one.

        For an import that needs one column or another (an ID number, or name and school).
        """
        return None

    @abstractmethod
    def check(self, rows: list[ParsedRow]) -> None:
        """Check rows that parsed cleanly against each other and the database.

        Give every row either errors (``row.reject``) or an outcome: CREATED,
        UPDATED or UNCHANGED; keep what ``write`` needs in ``row.plan``.
        """

    @abstractmethod
    def write(self, rows: list[ParsedRow]) -> None:
        """Store the CREATED and UPDATED rows; runs inside the commit's transaction."""


class ImportFailed(DomainError):
    """Writing the valid rows failed; nothing was written and the job is marked failed."""

    code = "import_failed"
    status = 409


@dataclass
class Evaluation:
    """The parsed and checked rows of one file."""

    rows: list[ParsedRow]
    file_errors: list[tuple[str, str]]

    def counts(self) -> Counter[str]:
        return Counter(row.outcome for row in self.rows)


def match_header(
    header: Sequence[str], columns: Iterable[Column]
) -> tuple[dict[int, tuple[Column, Parser]], list[tuple[str, str]]]:
    """Map header cells to columns; unknown headers are ignored, missing required ones reported."""
    by_header = {
        _clean_header(title): (column, parser)
        for column in columns
        for title, parser in column.headers()
    }
    found: dict[int, tuple[Column, Parser]] = {}
    seen: dict[str, str] = {}
    errors: list[tuple[str, str]] = []
    for index, title in enumerate(header):
        match = by_header.get(_clean_header(title))
        if match is None:
            continue
        column = match[0]
        if column.key in seen:
            errors.append(
                (
                    title,
                    _("“%(a)s”和“%(b)s”是同一列，只能保留一个")
                    % {"a": seen[column.key], "b": title},
                )
            )
            continue
        seen[column.key] = title
        found[index] = match
    for column in columns:
        if column.required and column.key not in seen:
            errors.append((column.header, _("缺少必填列“%(column)s”") % {"column": column.header}))
    return found, errors


def _clean_header(title: str) -> str:
    # Templates often star required columns ("姓名*") and people add stray spaces.
    return "".join(title.split()).strip("*＊")


def parse_rows(importer: TableImport, table: Table) -> Evaluation:
    """Parse every non-blank row's cells; report unreadable and missing required cells."""
    matched, file_errors = match_header(table.header, importer.columns)
    header_error = importer.header_error({column.key for column, _parser in matched.values()})
    if header_error:
        file_errors.append(("", header_error))
    rows: list[ParsedRow] = []
    if file_errors:
        # Without the required columns no row can be read; report the file, not each row.
        return Evaluation(rows, file_errors)
    cells_to_read = [
        (index, column.key, column.header, parser, column.warn)
        for index, (column, parser) in matched.items()
    ]
    required = [(column.key, column.header) for column in importer.columns if column.required]
    for offset, cells in enumerate(table.rows):
        if not any(cells):
            continue
        row = ParsedRow(number=table.first_row_number + offset, values={})
        values = row.values
        width = len(cells)
        for index, key, header, parser, warn in cells_to_read:
            raw = cells[index] if index < width else ""
            if not raw:
                values[key] = None
                continue
            try:
                values[key] = parser(raw)
            except CellError as exc:
                values[key] = None
                row.reject(header, str(exc))
                continue
            if warn is not None and (doubt := warn(values[key])):
                row.warnings.append(RowError(row.number, header, doubt))
        for key, header in required:
            if values.get(key) is None and not _has_error(row, header):
                row.reject(header, _("“%(column)s”不能为空") % {"column": header})
        rows.append(row)
    return Evaluation(rows, file_errors)


def _has_error(row: ParsedRow, column: str) -> bool:
    return any(error.column == column for error in row.errors)


def evaluate(importer: TableImport, table: Table) -> Evaluation:
    """Parse, then let the import check the rows that parsed cleanly."""
    evaluation = parse_rows(importer, table)
    for row in evaluation.rows:
        row.label = importer.label(row)
    importer.check([row for row in evaluation.rows if row.ok])
    for row in evaluation.rows:
        if not row.ok:
            row.outcome = Outcome.REJECTED
    return evaluation


def preview_import(
    importer: TableImport, upload: File[Any], *, by: AbstractBaseUser | None
) -> ImportJob:
    """Keep the file and record what importing it would do, writing nothing else."""
    return run_import(importer, upload, by=by, commit=False)


def run_import(
    importer: TableImport, upload: File[Any], *, by: AbstractBaseUser | None, commit: bool
) -> ImportJob:
    """Keep the file, check every row, and (if ``commit``) write the valid rows."""
    name = upload.name or "upload"
    job = ImportJob(
        kind=importer.kind,
        original_name=name.rsplit("/", 1)[-1],
        created_by_id=by.pk if by is not None else None,
        org_path=importer.org_path,
    )
    job.file.save(job.original_name, upload, save=False)
    try:
        job.save()
    except DatabaseError:
        # No record points at the kept file (a busy database, say): do not leave it behind.
        job.file.delete(save=False)
        raise
    try:
        return _process(job, importer, commit=commit)
    except ImportFailed:
        raise
    except Exception:
        # The import refused the file outright (or the database was busy) before recording
        # anything: neither the job nor the file stays behind.
        job.file.delete(save=False)
        job.delete()
        raise


def commit_import(job: ImportJob, importer: TableImport) -> ImportJob:
    """Write a previewed (or failed) job's valid rows, checking them again first."""
    if job.kind != importer.kind or job.status not in COMMITTABLE:
        raise ImportFailed(ALREADY_DONE)
    return _process(job, importer, commit=True)


def _process(job: ImportJob, importer: TableImport, *, commit: bool) -> ImportJob:
    importer.file_name = job.original_name
    try:
        with job.file.open("rb") as source:
            evaluation = evaluate(importer, read_table(source, job.original_name))
    except UnreadableFile as exc:
        evaluation = Evaluation(rows=[], file_errors=[("", str(exc))])
    _record(job, evaluation)
    if not commit or evaluation.file_errors:
        job.save()
        return job
    try:
        with transaction.atomic():
            # The row lock makes a second, simultaneous commit of the same job wait, then stop.
            if (
                not ImportJob.objects.select_for_update()
                .filter(pk=job.pk, status__in=COMMITTABLE)
                .exists()
            ):
                raise ImportFailed(ALREADY_DONE)
            importer.write([row for row in evaluation.rows if row.ok])
            job.status = ImportJob.Status.COMMITTED
            job.committed_at = timezone.now()
            job.save()
    except ImportFailed:
        raise
    except Exception as exc:
        if is_database_busy(exc):
            # Nothing was written and the job is still committable: the user tries again.
            raise
        logger.exception("import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.committed_at = None
        job.report["failure"] = _("导入失败，没有写入任何数据：%(error)s") % {"error": exc}
        job.save()
        raise ImportFailed(job.report["failure"]) from exc
    return job


def _record(job: ImportJob, evaluation: Evaluation) -> None:
    counts = evaluation.counts()
    job.total_rows = len(evaluation.rows)
    job.rejected_rows = counts[Outcome.REJECTED]
    job.valid_rows = job.total_rows - job.rejected_rows
    job.created_rows = counts[Outcome.CREATED]
    job.updated_rows = counts[Outcome.UPDATED]
    job.unchanged_rows = counts[Outcome.UNCHANGED]
    detailed = 0
    rows: list[list[Any]] = []
    for row in evaluation.rows:
        errors: list[list[str]] = []
        if row.errors and detailed < REPORTED_ERROR_ROWS:
            detailed += 1
            errors = [
                [e.column[:LABEL_CHARS], e.message[:MESSAGE_CHARS]]
                for e in row.errors[:ERRORS_PER_ROW]
            ]
        rows.append([row.number, row.outcome, row.label[:LABEL_CHARS], errors])
    job.report = {
        "file_errors": [
            [column[:LABEL_CHARS], message[:MESSAGE_CHARS]]
            for column, message in evaluation.file_errors[:FILE_ERRORS]
        ],
        "rows": rows,
    }
    if detailed < job.rejected_rows:
        job.report["errors_left_out"] = job.rejected_rows - detailed
    warnings = [
        [w.row_number, w.column[:LABEL_CHARS], w.message[:MESSAGE_CHARS]]
        for row in evaluation.rows
        for w in row.warnings
    ]
    if warnings:
        job.report["warnings"] = warnings[:REPORTED_WARNINGS]


def error_page(job: ImportJob, number: str | None) -> Page[RowError]:
    """One page of the job's errors (file-level first), ``REPORT_PAGE_SIZE`` a page."""
    return Paginator(job.errors(), REPORT_PAGE_SIZE).get_page(number)


def write_error_report(job: ImportJob, out: IO[bytes]) -> int:
    """The rejected rows as they were uploaded, plus a column saying what is wrong.

    The user corrects the rows in this file and imports it again; the extra
    column is ignored on import.
    """
    if job.file_errors:
        return write_table(out, "xlsx", [ERROR_COLUMN], [[_describe(e)] for e in job.file_errors])
    messages = {
        report.row_number: "；".join(_describe(e) for e in report.errors) or str(LEFT_OUT)
        for report in job.row_reports(Outcome.REJECTED)
    }
    with job.file.open("rb") as source:
        table = read_table(source, job.original_name)
        width = len(table.header)
        rows = (
            [*cells[:width], *[""] * (width - len(cells)), messages[number]]
            for number, cells in enumerate(table.rows, start=table.first_row_number)
            if number in messages
        )
        return write_table(out, "xlsx", [*table.header, ERROR_COLUMN], rows)


def _describe(error: RowError) -> str:
    return f"{error.column}：{error.message}" if error.column else error.message
