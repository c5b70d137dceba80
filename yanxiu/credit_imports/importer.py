"""Credit entries from a spreadsheet (学时批量导入), on the generic import engine.

Columns: 身份证号, 年度, 类别, 数量, 单位, 来源, 日期, 备注. Each valid row posts one
credit through ``credits.services.post_credit``, certified by the importing user,
with a ``CreditImportSource`` as its source. A row whose source already holds a
live credit of the same amount is unchanged; a different amount is an error (a
correction is a reversal on the ledger page, never an overwrite).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, cast

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.duties import ensure_not_self
from yanxiu.credit_imports.models import CreditImportSource
from yanxiu.credits.models import Category, CreditEntry, Unit
from yanxiu.credits.policy import PolicyTerms, policy_terms_for
from yanxiu.credits.services import CreditError, check_entry_amount, post_credit
from yanxiu.imports.bulk import values_in
from yanxiu.imports.engine import Column, ParsedRow, TableImport
from yanxiu.imports.models import Outcome
from yanxiu.imports.parsers import CellError, choice_parser, max_length, parse_date, parse_year
from yanxiu.imports.tables import write_table
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Teacher, User
from yanxiu.orgs.scoping import scope_of
from yanxiu.orgs.sheets import ID_NUMBER, TeacherMatcher, id_number_column

LOOKUP_BATCH = 5000
MAX_AMOUNT = Decimal("999999.99")

# (teacher id, year, category, 来源, 日期): what makes two rows the same credit.
RowKey = tuple[int, int, str, str, datetime.date]


def parse_amount(value: str) -> Decimal:
    """A positive amount with at most two decimals (8, 8.5, 12.25)."""
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise CellError(_("数量应为数字，例如 8 或 1.5")) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise CellError(_("数量应大于 0 且不超过 %(max)s") % {"max": MAX_AMOUNT})
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("数量最多保留两位小数"))
    return amount


def parse_past_date(value: str) -> datetime.date:
    day = parse_date(value)
    if day > timezone.localdate():
        raise CellError(_("日期不能晚于今天"))
    return day


COLUMNS = (
    id_number_column(required=True),
    Column("year", "年度", required=True, parser=parse_year),
    Column(
        "category",
        "类别",
        required=True,
        parser=choice_parser(
            Category, {"集中": "centralized", "网络": "online", "校本": "school_based"}
        ),
    ),
    Column("amount", "数量", required=True, parser=parse_amount),
    Column("unit", "单位", required=True, parser=choice_parser(Unit, {"小时": "hour"})),
    Column("source", "来源", required=True, parser=max_length(200)),
    Column("occurred_on", "日期", required=True, parser=parse_past_date),
    Column("note", "备注", parser=max_length(500)),
)


@dataclass
class CreditPlan:
    teacher: Teacher
    key: RowKey
    source_id: int | None = None


class CreditImport(TableImport):
    """Import credit entries as ``by`` (a bureau admin or training-center staff member)."""

    kind = "credits"
    columns = COLUMNS

    def __init__(self, *, by: User) -> None:
        self.by = by
        self._policies: dict[tuple[int, int], PolicyTerms] = {}

    @property
    def org_path(self) -> str:
        paths = scope_of(self.by).manage_paths
        return paths[0] if paths else ""

    def label(self, row: ParsedRow) -> str:
        # Never the ID number in clear: the report is stored and shown.
        id_number = row.values.get("id_number")
        return idnumbers.mask(id_number) if id_number else ""

    def check(self, rows: list[ParsedRow]) -> None:
        teachers = TeacherMatcher(
            self._teachers(idnumbers.digest(r.values["id_number"]) for r in rows),
            not_listed=_("找不到该%(person)s的教师，或该教师不在您的管理范围内"),
        )
        keyed: list[tuple[ParsedRow, RowKey]] = []
        first_row: dict[RowKey, int] = {}
        for row in rows:
            values = row.values
            teacher = teachers.match(row)
            if teacher is None:
                continue
            row.label = f"{teacher.name}（{teacher.id_number_masked}）"
            if not self._within_duties(row, teacher):
                continue
            key: RowKey = (
                teacher.pk,
                values["year"],
                values["category"],
                values["source"],
                values["occurred_on"],
            )
            if key in first_row:
                row.reject("", _("与第%(row)d行是同一条学时记录") % {"row": first_row[key]})
                continue
            first_row[key] = row.number
            row.plan = CreditPlan(teacher, key)
            keyed.append((row, key))
        sources = self._existing_sources([key for _row, key in keyed])
        live = self._live_credits(sources)
        for row, key in keyed:
            row.plan.source_id = sources.get(key)
            posted = live.get(key)
            if posted is None:
                row.outcome = Outcome.CREATED
            elif posted == (row.values["amount"], row.values["unit"]):
                row.outcome = Outcome.UNCHANGED
            else:
                amount, unit = posted
                row.reject(
                    "数量",
                    _(
                        "该来源已登记 %(amount)s %(unit)s，与本行不同；"
                        "如需更正，请先在学时记录中冲销原记录"
                    )
                    % {"amount": amount, "unit": Unit(unit).label},
                )

    def _within_duties(self, row: ParsedRow, teacher: Teacher) -> bool:
        """Reject a row for the importer's own record, or above the policy's bound per entry."""
        values = row.values
        try:
            ensure_not_self(self.by, teacher.user_id, _("导入本行学时"), error=CellError)
        except CellError as exc:
            row.reject(ID_NUMBER, str(exc))
            return False
        try:
            check_entry_amount(
                self._rules(teacher.region_id, values["year"]),
                values["category"],
                values["amount"],
                values["unit"],
            )
        except CreditError as exc:
            row.reject("数量", str(exc))
            return False
        return True

    def _rules(self, region_id: int, year: int) -> PolicyTerms:
        key = (region_id, year)
        if key not in self._policies:
            self._policies[key] = policy_terms_for(region_id, year)
        return self._policies[key]

    def _teachers(self, digests: Iterable[str]) -> list[Teacher]:
        found: list[Teacher] = []
        pending = list(set(digests))
        visible = Teacher.objects.visible_to(self.by)
        for start in range(0, len(pending), LOOKUP_BATCH):
            batch = pending[start : start + LOOKUP_BATCH]
            found.extend(
                visible.filter(id_number_hash__in=values_in(batch)).only(
                    "pk",
                    "name",
                    "id_number_hash",
                    "id_number_masked",
                    "region_id",
                    "org_path",
                    "user_id",
                )
            )
        return found

    def _existing_sources(self, keys: list[RowKey]) -> dict[RowKey, int]:
        """The id of the import source already recorded for each key, if any."""
        teacher_ids = sorted({k[0] for k in keys})
        years = sorted({k[1] for k in keys})
        wanted = set(keys)
        found: dict[RowKey, int] = {}
        for start in range(0, len(teacher_ids), LOOKUP_BATCH):
            candidates = CreditImportSource.objects.filter(
                teacher_id__in=values_in(teacher_ids[start : start + LOOKUP_BATCH]),
                year__in=years,
            ).values_list("pk", "teacher_id", "year", "category", "label", "occurred_on")
            for pk, *identity in candidates:
                key = cast(RowKey, tuple(identity))
                if key in wanted:
                    found[key] = pk
        return found

    def _live_credits(self, sources: dict[RowKey, int]) -> dict[RowKey, tuple[Decimal, str]]:
        """The amount and unit of the live credit already posted for each source, if any."""
        key_of = {pk: key for key, pk in sources.items()}
        ids = list(key_of)
        live: dict[RowKey, tuple[Decimal, str]] = {}
        source_type = ContentType.objects.get_for_model(CreditImportSource)
        for start in range(0, len(ids), LOOKUP_BATCH):
            entries = CreditEntry.objects.filter(
                source_id__in=values_in(ids[start : start + LOOKUP_BATCH]),
                source_type=source_type,
                reverses__isnull=True,
                reversal__isnull=True,
            ).values_list("source_id", "amount", "unit")
            for source_id, amount, unit in entries:
                if source_id is not None:
                    live[key_of[source_id]] = (amount, unit)
        return live

    def write(self, rows: list[ParsedRow]) -> None:
        plans: list[tuple[ParsedRow, CreditPlan]] = [
            (row, row.plan) for row in rows if row.outcome == Outcome.CREATED
        ]
        # New sources in bulk; a source whose credit was reversed is posted to again.
        new = [_source(plan.key) for _row, plan in plans if plan.source_id is None]
        CreditImportSource.objects.bulk_create(new, batch_size=LOOKUP_BATCH)
        created = iter(new)
        for row, plan in plans:
            source = (
                next(created) if plan.source_id is None else _source(plan.key, pk=plan.source_id)
            )
            _teacher_id, year, category, _label, occurred_on = plan.key
            post_credit(
                teacher=plan.teacher,
                year=year,
                category=category,
                amount=row.values["amount"],
                unit=row.values["unit"],
                source=source,
                certified_by=self.by,
                occurred_on=occurred_on,
                reason=row.values.get("note") or "",
            )


def _source(key: RowKey, pk: int | None = None) -> CreditImportSource:
    teacher_id, year, category, label, occurred_on = key
    return CreditImportSource(
        pk=pk,
        teacher_id=teacher_id,
        year=year,
        category=category,
        label=label,
        occurred_on=occurred_on,
    )


def write_template(out: IO[bytes], fmt: str) -> int:
    """An empty import file with the columns and one example row."""
    id_number = idnumbers.compose("330302", datetime.date(1985, 3, 14), 1)
    example = [id_number, "2026", "集中培训", "8", "学分", "2026年新教师培训班", "2026-03-14", ""]
    return write_table(out, fmt, [c.header for c in COLUMNS], [example])
