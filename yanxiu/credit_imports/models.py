"""Where imported credits come from: one row per (teacher, year, category, 来源, 日期).

The ledger allows one live credit per teacher and source. A spreadsheet row has
no source object of its own, so the import derives one from the row's identity:
importing the same file again finds the same source and changes nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yanxiu.credits.models import Category
from yanxiu.orgs.models import Teacher


class CreditImportSource(models.Model):
    """The source of an imported credit (导入的学时来源), keyed by what the row says."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=16, choices=Category)
    label = models.CharField(_("来源"), max_length=200)
    occurred_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[CreditImportSource] = models.Manager()

    class Meta:
        verbose_name = _("导入的学时来源")
        verbose_name_plural = _("导入的学时来源")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "year", "category", "label", "occurred_on"],
                name="one_import_source_per_row_identity",
            )
        ]

    def __str__(self) -> str:
        return self.label
