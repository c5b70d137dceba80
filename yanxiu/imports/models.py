"""Import jobs: every uploaded table is kept with what importing it did or would do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yanxiu.core.uploads import PrivateFileField


class Outcome(models.TextChoices):
    """What happens (or happened) to one row."""

    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("无变化")
    REJECTED = "rejected", _("有错误")


@dataclass(frozen=True)
class RowError:
    """One problem with one cell (or the whole row when ``column`` is empty), in Chinese."""

    row_number: int
    column: str
    message: str


@dataclass(frozen=True)
class RowReport:
    """One row's outcome as the report shows it."""

    row_number: int
    outcome: str
    label: str
    errors: tuple[RowError, ...]


class ImportScope(Protocol):
    """Whose import records someone reads; the caller's scoping provides it
    (the organizations' ``Scope`` is one), so the engine knows nothing of organizations."""

    @property
    def is_superuser(self) -> bool: ...

    @property
    def import_paths(self) -> tuple[str, ...]:
        """The subtrees (``org_path`` prefixes) whose every import record they read."""
        ...


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_in(self, scope: ImportScope, *, user_id: int | None) -> Self:
        """The jobs under the scope's import paths, and the jobs ``user_id`` started."""
        if scope.is_superuser:
            return self
        visible = Q(pk__in=[])
        for path in scope.import_paths:
            visible |= Q(org_path__startswith=path)
        if user_id is not None:
            visible |= Q(created_by_id=user_id)
        return self.filter(visible)


class ImportJob(models.Model):
    """An uploaded table and the row-by-row result of importing it (导入任务)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("已预览")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("类型"), max_length=32)
    file = PrivateFileField(
        _("文件"),
        prefix="imports",
        display_name_field="original_name",
        sha256_field="sha256",
        blank=True,
    )
    original_name = models.CharField(_("文件名"), max_length=255)
    # The file is deleted after IMPORT_FILE_RETENTION_DAYS; its digest stays as the record.
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, blank=True)
    file_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    rejected_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    created_rows = models.PositiveIntegerField(_("新增"), default=0)
    updated_rows = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("无变化"), default=0)
    # {"file_errors": [[column, message]], "rows": [[row, outcome, label, [[column, message]]]],
    #  "warnings": [[row, column, message]], "failure": message}: lists rather than objects
    #  keep a 100,000-row report small.
    report = models.JSONField(_("报告"), default=dict, blank=True)
    # The part of the organization the importer acted for; region staff see jobs below theirs.
    org_path = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def file_errors(self) -> list[RowError]:
        return [
            RowError(1, column, message) for column, message in self.report.get("file_errors", [])
        ]

    @property
    def warnings(self) -> list[RowError]:
        """Doubts about rows that were not refused (an unlikely age …), to check by hand."""
        return [
            RowError(number, column, message)
            for number, column, message in self.report.get("warnings", [])
        ]

    @property
    def failure(self) -> str:
        return str(self.report.get("failure", ""))

    def row_reports(self, outcome: str | None = None) -> list[RowReport]:
        """The rows of the report, optionally only those with one outcome."""
        return [
            RowReport(
                row_number=number,
                outcome=row_outcome,
                label=label,
                errors=tuple(RowError(number, column, message) for column, message in errors),
            )
            for number, row_outcome, label, errors in self.report.get("rows", [])
            if outcome is None or row_outcome == outcome
        ]

    def errors(self) -> list[RowError]:
        """Every error, file-level first, then row by row."""
        rows = self.row_reports(Outcome.REJECTED)
        return self.file_errors + [error for row in rows for error in row.errors]

    @property
    def errors_left_out(self) -> int:
        """Rejected rows whose errors the report does not list (beyond its bound)."""
        return int(self.report.get("errors_left_out", 0))

    @property
    def can_commit(self) -> bool:
        return self.status in COMMITTABLE and self.valid_rows > 0 and self.has_file

    @property
    def has_file(self) -> bool:
        """The uploaded file is still kept (the retention period deletes it)."""
        return bool(self.file)


# A failed commit wrote nothing, so it may be tried again.
COMMITTABLE = (ImportJob.Status.PREVIEWED, ImportJob.Status.FAILED)
