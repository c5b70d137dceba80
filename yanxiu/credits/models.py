"""The credit ledger (学时学分记录), yearly policies (学时政策) and the per-teacher summary.

The ledger is append-only: an entry is never changed or deleted; a correction is a
new entry that reverses an earlier one. ``TeacherYearTotal`` is a summary kept by
``yanxiu.credits.services`` in the same transaction as each entry, so that reports
aggregate a few rows per teacher instead of every entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yanxiu.orgs.models import Region, Teacher, User
from yanxiu.orgs.scoping import Scope, ScopedQuerySet, path_q


class Category(models.TextChoices):
    CENTRALIZED = "centralized", _("集中培训")
    ONLINE = "online", _("网络培训")
    SCHOOL_BASED = "school_based", _("校本研训")


class Unit(models.TextChoices):
    HOUR = "hour", _("学时")
    CREDIT = "credit", _("学分")


class ActivityType(models.TextChoices):
    """Activity types a policy may exclude (一般的工作例会、政治学习、外出休养活动)."""

    ROUTINE_MEETING = "routine_meeting", _("工作例会")
    POLITICAL_STUDY = "political_study", _("政治学习")
    RECREATION = "recreation", _("外出休养")


class LedgerIsAppendOnly(Exception):
    """Raised on any attempt to change or remove a ledger row."""


class CreditEntryQuerySet(ScopedQuerySet["CreditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise LedgerIsAppendOnly(_("学时记录只能追加，不能修改。"))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly(_("学时记录只能追加，不能删除。"))


class CreditEntry(models.Model):
    """One credit or hour a teacher earned, or the reversal of one (学时学分记录)."""

    # Indexed by the (teacher, year) index below, which also serves teacher-only look-ups.
    teacher = models.ForeignKey(
        Teacher,
        on_delete=models.PROTECT,
        related_name="credit_entries",
        verbose_name=_("教师"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=16, choices=Category)
    amount = models.DecimalField(_("数量"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=8, choices=Unit)
    activity_type = models.CharField(_("活动类型"), max_length=32, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    # The n-th live posting for this teacher and source: a source may be posted again
    # only after its earlier postings were reversed, and the unique constraint on
    # (teacher, source, generation) makes two concurrent postings collide in the database.
    source_generation = models.PositiveSmallIntegerField(default=0, editable=False)
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    occurred_on = models.DateField(_("发生日期"))
    certified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("认定人")
    )
    certified_at = models.DateTimeField(_("认定时间"))
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("冲销的记录"),
    )
    # The token of the form that certified a manual entry: the same form submitted again
    # (a double click, a retry, eight tabs at once) finds this entry instead of adding one.
    idempotency_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("学时学分记录")
        verbose_name_plural = _("学时学分记录")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["teacher", "year"]),
            models.Index(fields=["year", "category"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "source_type", "source_id", "source_generation"],
                condition=Q(reverses__isnull=True, source_id__isnull=False),
                name="one_live_credit_per_teacher_and_source",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=False) | Q(amount__gt=0),
                name="credit_amount_positive_unless_reversal",
            ),
            models.CheckConstraint(
                condition=Q(source_id__isnull=False) | ~Q(reason=""),
                name="manual_credit_needs_reason",
            ),
            models.UniqueConstraint(
                fields=["certified_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="one_entry_per_submitted_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.year} {self.category} {self.amount}{self.unit}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerIsAppendOnly(_("学时记录只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly(_("学时记录只能追加，不能删除。"))

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Entries of teachers in the scope's subtrees, and a teacher's own entries."""
        q = path_q(scope.read_paths, field="teacher__org_path")
        if scope.teacher_id:
            q |= Q(teacher_id=scope.teacher_id)
        return q

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class TeacherYearTotal(models.Model):
    """A teacher's summed ledger for one year and category (学时汇总), kept by the services."""

    # The key is (teacher, year, category) itself: one index to maintain, which a rebuild
    # of a province's 3,000,000 rows pays for once per row. No database-level foreign key:
    # the table is derived from the ledger (whose entries do reference the teacher) and
    # rebuilt in bulk, where a constraint check per row would dominate the rebuild.
    pk = models.CompositePrimaryKey("teacher", "year", "category")
    teacher = models.ForeignKey(
        Teacher,
        on_delete=models.CASCADE,
        related_name="year_totals",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=16, choices=Category)
    hours = models.DecimalField(_("学时"), max_digits=10, decimal_places=2, default=0)
    credits = models.DecimalField(_("学分"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("学时汇总")
        verbose_name_plural = _("学时汇总")

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.year} {self.category}"


class Policy(models.Model):
    """One version of a region's yearly credit policy (学时政策), stored as a rules document.

    Saving an edit adds a version; the latest version of a region-year is in force,
    and earlier years keep theirs.
    """

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="credit_policies", verbose_name=_("区县")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    document = models.JSONField(_("规则"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学时政策")
        verbose_name_plural = _("学时政策")
        ordering = ["region", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "version"], name="policy_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} v{self.version}"
