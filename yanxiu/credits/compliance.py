"""The judgement as SQL: a policy turned into expressions over teachers and their totals.

``judged_teachers`` annotates each teacher with what they earned per category (converted
and capped), the period and cycle sums, ``passed`` and ``at_risk``, in one query over
``TeacherYearTotal`` (the summary the services keep). ``unit_rows_of`` groups judged
teachers by school, group, zone or region in SQL; ``merged_unit`` adds schools up into a
zone or the region; ``teacher_rows_of`` reads one row per teacher. Who may see which
teachers is the selectors' business, not this module's.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yanxiu.credits.models import CreditEntry, TeacherYearTotal, Unit
from yanxiu.credits.policy import (
    CATEGORIES,
    PeriodRule,
    PolicyTerms,
)
from yanxiu.credits.rows import ZERO, TeacherRow, UnitRow, cents, shortfall
from yanxiu.orgs.models import Teacher

Level = Literal["teacher", "school", "group", "zone", "region"]
LEVELS: tuple[str, ...] = ("teacher", "school", "group", "zone", "region")
AMOUNT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _d(value: Decimal | int) -> Value:
    return Value(Decimal(value), output_field=AMOUNT)


class _Per(Func):
    """``a / b`` as a true division: SQLite divides two integers as integers, so a
    REAL literal joins them (Django's CAST(… AS NUMERIC) turns 1.0 back into 1)."""

    arg_joiner = " * 1.0 / "
    template = "(%(expressions)s)"
    output_field = AMOUNT


def _in_unit(hours: Combinable, credits: Combinable, unit: str, hours_per_credit: Decimal) -> Any:
    """An amount in ``unit``, from summed hours and credits of one category."""
    value: Any
    if unit == Unit.HOUR:
        value = hours + credits * _d(hours_per_credit)
    elif hours_per_credit == 1:
        value = hours + credits
    else:
        # Rounding to cents makes thirds add up to whole credits on both databases.
        value = Round(_Per(hours, _d(hours_per_credit)) + credits, 2)
    return ExpressionWrapper(value, output_field=AMOUNT)


def _capped(value: Any, cap: Decimal | None) -> Any:
    return value if cap is None else Least(value, _d(cap), output_field=AMOUNT)


def _all(conditions: Sequence[Q]) -> Q:
    q = Q()
    for c in conditions:
        q &= c
    return q


def judged_teachers(
    teachers: QuerySet[Teacher, Teacher],
    year: int,
    rules: PolicyTerms,
    *,
    on: datetime.date | None = None,
) -> QuerySet[Teacher, Teacher]:
    """Teachers annotated with ``earned_<category>``, ``earned_total``, ``passed``, ``at_risk``.

    ``on`` is the day the pace is measured (default today); a year already over has no
    pace, only results.
    """
    qs = teachers
    earned: dict[str, Any] = {}
    for c in CATEGORIES:
        rel = f"t_{c}"
        this_year = Q(year_totals__year=year, year_totals__category=c)
        qs = qs.alias(**{rel: FilteredRelation("year_totals", condition=this_year)}).alias(
            **{
                f"hours_{c}": Coalesce(F(f"{rel}__hours"), _d(0), output_field=AMOUNT),
                f"credits_{c}": Coalesce(F(f"{rel}__credits"), _d(0), output_field=AMOUNT),
            }
        )
        earned[c] = _capped(
            _in_unit(F(f"hours_{c}"), F(f"credits_{c}"), rules.unit, rules.hours_per_credit[c]),
            rules.caps.get(c),
        )
    qs = qs.annotate(**{f"earned_{c}": earned[c] for c in CATEGORIES})
    qs = qs.annotate(
        earned_total=ExpressionWrapper(
            _add([F(f"earned_{c}") for c in CATEGORIES]),
            output_field=AMOUNT,
        )
    )
    conditions = [Q(earned_total__gte=_d(rules.total))]
    conditions += [Q(**{f"earned_{c}__gte": _d(m)}) for c, m in rules.minimums.items()]
    qs, period_conditions = _with_periods(qs, rules, rules.periods_ending_in(year))
    qs, cycle_conditions = _with_cycle(qs, rules, year)
    elapsed = elapsed_share(year, on)
    pace = [Q(earned_total__gte=_d(rules.total * elapsed))]
    pace += [Q(**{f"earned_{c}__gte": _d(m * elapsed)}) for c, m in rules.minimums.items()]
    passed = _all(conditions + period_conditions + cycle_conditions)
    return qs.annotate(
        passed=Case(
            When(passed, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        at_risk=Case(
            When(passed, then=Value(False)),
            When(_all(pace), then=Value(elapsed >= 1)),
            default=Value(True),
            output_field=BooleanField(),
        ),
    )


def elapsed_share(year: int, on: datetime.date | None = None) -> Decimal:
    """The share of ``year`` gone by on ``on`` (0 before it starts, 1 after it ends)."""
    on = on or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if on < start:
        return ZERO
    if on > end:
        return Decimal(1)
    return (Decimal((on - start).days + 1) / ((end - start).days + 1)).quantize(Decimal("0.0001"))


def _ledger_sum(rules: PolicyTerms, unit: str, categories: Sequence[str], where: Q) -> Any:
    """The sum of a teacher's ledger rows matching ``where`` in ``categories``, in ``unit``."""
    whens = []
    for c in categories:
        hpc = rules.hours_per_credit[c]
        if unit == Unit.HOUR:
            whens.append(When(category=c, unit=Unit.CREDIT, then=F("amount") * _d(hpc)))
        elif hpc != 1:
            whens.append(When(category=c, unit=Unit.HOUR, then=_Per(F("amount"), _d(hpc))))
    amount = Case(*whens, default=F("amount"), output_field=AMOUNT) if whens else F("amount")
    sub = (
        CreditEntry.objects.filter(where, teacher_id=OuterRef("pk"), category__in=categories)
        .order_by()
        .values("teacher_id")
        .annotate(s=Sum(amount))
        .values("s")
    )
    return Round(Coalesce(Subquery(sub, output_field=AMOUNT), _d(0)), 2, output_field=AMOUNT)


def _with_periods(
    qs: QuerySet[Teacher, Teacher], rules: PolicyTerms, periods: Sequence[PeriodRule]
) -> tuple[QuerySet[Teacher, Teacher], list[Q]]:
    """Annotate ``period_<i>_<j>`` for each period minimum; conditions that all must hold."""
    conditions = []
    for i, period in enumerate(periods):
        # A reversal counts on the date of the entry it cancels.
        span = (period.start, period.end)
        dated = Q(reverses__isnull=True, occurred_on__range=span) | Q(
            reverses__occurred_on__range=span
        )
        for j, minimum in enumerate(period.minimums):
            name = f"period_{i}_{j}"
            qs = qs.annotate(**{name: _ledger_sum(rules, period.unit, minimum.categories, dated)})
            conditions.append(Q(**{f"{name}__gte": _d(minimum.amount)}))
    return qs, conditions


def _with_cycle(
    qs: QuerySet[Teacher, Teacher], rules: PolicyTerms, year: int
) -> tuple[QuerySet[Teacher, Teacher], list[Q]]:
    """Annotate ``cycle_year`` (this year, in the cycle's unit) and ``cycle_total`` (capped)."""
    cycle = rules.cycle
    if cycle is None or not cycle.covers(year):
        return qs, []
    this_year = [
        _in_unit(F(f"hours_{c}"), F(f"credits_{c}"), cycle.unit, rules.hours_per_credit[c])
        for c in CATEGORIES
    ]
    parts = []
    for c in CATEGORIES:
        sub = (
            TeacherYearTotal.objects.filter(
                teacher_id=OuterRef("pk"), category=c, year__range=(cycle.start_year, year)
            )
            .order_by()
            .values("teacher_id")
            .annotate(
                s=Sum(_in_unit(F("hours"), F("credits"), cycle.unit, rules.hours_per_credit[c]))
            )
            .values("s")
        )
        parts.append(
            _capped(Coalesce(Subquery(sub, output_field=AMOUNT), _d(0)), cycle.caps.get(c))
        )
    qs = qs.annotate(
        cycle_year=ExpressionWrapper(_add(this_year), output_field=AMOUNT),
        cycle_total=ExpressionWrapper(_add(parts), output_field=AMOUNT),
    )
    conditions = [Q(cycle_year__gte=_d(cycle.yearly_minimum))]
    if year == cycle.end_year:
        conditions.append(Q(cycle_total__gte=_d(cycle.total)))
    return qs, conditions


def _add(parts: Sequence[Any]) -> Any:
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    return total


# How each level groups teachers: id, code, name, parent name, parent id.
LEVEL_FIELDS: dict[str, dict[str, str]] = {
    "school": {
        "unit_id": "school_id",
        "code": "school__code",
        "name": "school__name",
        "parent": "school__zone__name",
        "parent_id": "school__zone_id",
    },
    "group": {
        "unit_id": "group_memberships__group_id",
        "code": "group_memberships__group__kind",
        "name": "group_memberships__group__name",
        "parent": "group_memberships__group__school__name",
        "parent_id": "group_memberships__group__school_id",
    },
    "zone": {
        "unit_id": "school__zone_id",
        "code": "school__zone__code",
        "name": "school__zone__name",
        "parent": "region__name",
        "parent_id": "region_id",
    },
    "region": {
        "unit_id": "region_id",
        "code": "region__code",
        "name": "region__name",
        "parent": "region__name",
        "parent_id": "region_id",
    },
}


def unit_rows_of(
    judged: QuerySet[Teacher, Teacher], rules: PolicyTerms, level: str
) -> list[UnitRow]:
    fields = LEVEL_FIELDS[level]
    if level == "group":
        judged = judged.filter(group_memberships__isnull=False)
    values = (
        judged.values(**{f"u_{k}": F(v) for k, v in fields.items()})
        .annotate(
            n_teachers=Count("pk"),
            n_passed=Count("pk", filter=Q(passed=True)),
            n_at_risk=Count("pk", filter=Q(at_risk=True)),
            **{f"sum_{c}": Sum(f"earned_{c}", output_field=AMOUNT) for c in CATEGORIES},
        )
        .order_by("u_code")
    )
    return [
        UnitRow(
            level=level,
            unit_id=v["u_unit_id"] or 0,
            code=v["u_code"] or "",
            name=v["u_name"] or str(_("未分片区")),
            parent=v["u_parent"] or "",
            parent_id=v["u_parent_id"],
            teachers=v["n_teachers"],
            passed=v["n_passed"],
            failed=v["n_teachers"] - v["n_passed"],
            at_risk=v["n_at_risk"],
            earned_sum={c: cents(v[f"sum_{c}"]) for c in CATEGORIES},
            threshold=rules.school_fail_threshold,
        )
        for v in values
    ]


def merged_unit(level: str, unit_id: int, code: str, name: str, parts: list[UnitRow]) -> UnitRow:
    return UnitRow(
        level=level,
        unit_id=unit_id,
        code=code,
        name=name,
        parent="",
        teachers=sum(p.teachers for p in parts),
        passed=sum(p.passed for p in parts),
        failed=sum(p.failed for p in parts),
        at_risk=sum(p.at_risk for p in parts),
        earned_sum={c: sum((p.earned_sum[c] for p in parts), ZERO) for c in CATEGORIES},
        threshold=parts[0].threshold,
        schools=len(parts),
        failing_schools=sum(p.failing for p in parts),
    )


def teacher_rows_of(judged: QuerySet[Teacher, Teacher], rules: PolicyTerms) -> list[TeacherRow]:
    values = judged.order_by("school__code", "name", "pk").values(
        "pk",
        "name",
        "school_id",
        "school__name",
        "school__zone__name",
        "earned_total",
        "passed",
        "at_risk",
        *(f"earned_{c}" for c in CATEGORIES),
    )
    rows = []
    for v in values:
        earned = {c: cents(v[f"earned_{c}"]) for c in CATEGORIES}
        total = cents(v["earned_total"])
        rows.append(
            TeacherRow(
                teacher_id=v["pk"],
                name=v["name"],
                school_id=v["school_id"],
                school=v["school__name"],
                zone=v["school__zone__name"] or "",
                earned=earned,
                gaps={c: shortfall(rules.minimums.get(c, ZERO), earned[c]) for c in CATEGORIES},
                total=total,
                total_gap=shortfall(rules.total, total),
                passed=v["passed"],
                at_risk=v["at_risk"],
            )
        )
    return rows
