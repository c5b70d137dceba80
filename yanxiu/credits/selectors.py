"""Reading credits: compliance from one teacher to the whole region, and the entries behind it.

Everything here is one SQL query over teachers joined to ``TeacherYearTotal``
(the summary the services keep), judged by a policy turned into SQL expressions:
per category earned amount (converted and capped), pass/fail, pace. Pages, exports,
the API and the command line all read the same rows:

- ``teacher_status(teacher, year)`` → ``TeacherStatus``: per category earned /
  required / gap, period and cycle requirements, passed.
- ``compliance_rows(user, year, level)`` → ``list[TeacherRow]`` for level
  "teacher", else ``list[UnitRow]`` for "school", "group", "zone" or "region";
  ``teacher_rows(…, school=)`` and ``unit_rows`` are its two halves, and
  ``rollup(user, year)`` gives region, zones and schools from one aggregate.
- ``school_compliance(school, year)`` → the school's ``UnitRow``.
- ``early_warning(user, year, on=today)`` → teachers and schools whose pace will
  not reach the target by year end.
- ``policy_outcome(region, year, rules)`` → pass/fail counts under any rules,
  saved or not (the policy page's "what if").
- ``entries_behind(user, year=…, teacher=…, school=…, category=…)`` → the ledger
  rows a figure sums, scoped to the user.
- ``region_of(user)`` → the user's region; ``policy_region(user)`` → the region whose
  policies the user (its bureau admin) sets, else ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, cast

from django.core.exceptions import PermissionDenied
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

from yanxiu.credits.models import Category, CreditEntry, Policy, TeacherYearTotal, Unit
from yanxiu.credits.policy import (
    CATEGORIES,
    CycleRule,
    PeriodRule,
    PolicyRules,
    policy_in_force,
    rules_for,
)
from yanxiu.orgs.models import Region, School, Teacher, User, Zone
from yanxiu.orgs.scoping import scope_of

Level = Literal["teacher", "school", "group", "zone", "region"]
LEVELS: tuple[str, ...] = ("teacher", "school", "group", "zone", "region")
ZERO = Decimal(0)
AMOUNT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class CategoryLine:
    """One category of a teacher's year: earned (converted, capped) against the minimum."""

    category: str
    label: str
    earned: Decimal
    required: Decimal
    cap: Decimal | None

    @property
    def gap(self) -> Decimal:
        return shortfall(self.required, self.earned)


@dataclass(frozen=True)
class RequirementLine:
    """A period or cycle requirement: what counts towards it, against what it needs."""

    label: str
    unit: str
    earned: Decimal
    required: Decimal

    @property
    def gap(self) -> Decimal:
        return shortfall(self.required, self.earned)

    @property
    def met(self) -> bool:
        return self.earned >= self.required


@dataclass(frozen=True)
class TeacherStatus:
    """A teacher's standing for a year under the policy in force (学时达标情况)."""

    teacher: Teacher
    year: int
    rules: PolicyRules
    policy: Policy | None
    lines: list[CategoryLine]
    total: Decimal
    periods: list[RequirementLine]
    cycle: list[RequirementLine]
    passed: bool
    at_risk: bool

    @property
    def unit(self) -> str:
        return self.rules.unit

    @property
    def total_gap(self) -> Decimal:
        return shortfall(self.rules.total, self.total)

    @property
    def missing(self) -> list[str]:
        """What the teacher still lacks, as sentences (for "what is missing")."""
        unit = Unit(self.rules.unit).label
        out = [f"{line.label} {_plain(line.gap)} {unit}" for line in self.lines if line.gap > 0]
        if self.total_gap > 0:
            out.append(f"{_('合计')} {_plain(self.total_gap)} {unit}")
        out += [
            f"{r.label} {_plain(r.gap)} {Unit(r.unit).label}"
            for r in (*self.periods, *self.cycle)
            if r.gap > 0
        ]
        return out


@dataclass(frozen=True)
class TeacherRow:
    """One teacher in a compliance report (level "teacher")."""

    teacher_id: int
    name: str
    school_id: int
    school: str
    zone: str
    earned: dict[str, Decimal]
    gaps: dict[str, Decimal]
    total: Decimal
    total_gap: Decimal
    passed: bool
    at_risk: bool

    HEADERS = (_("教师"), _("学校"), _("片区"))

    def cells(self) -> list[Any]:
        return [
            self.name,
            self.school,
            self.zone,
            *(self.earned[c] for c in CATEGORIES),
            self.total,
            *(self.gaps[c] for c in CATEGORIES),
            self.total_gap,
            str(_("合格") if self.passed else _("不合格")),
            str(_("是") if self.at_risk else ""),
        ]

    @staticmethod
    def headers() -> list[str]:
        return [
            *(str(h) for h in TeacherRow.HEADERS),
            *(str(Category(c).label) for c in CATEGORIES),
            str(_("合计")),
            *(f"{Category(c).label}{_('差额')}" for c in CATEGORIES),
            str(_("合计差额")),
            str(_("结果")),
            str(_("进度预警")),
        ]


@dataclass(frozen=True)
class UnitRow:
    """A school, group, zone or the region in a compliance report: counts, rates, flags."""

    level: str
    unit_id: int
    code: str
    name: str
    parent: str
    teachers: int
    passed: int
    failed: int
    at_risk: int
    earned_sum: dict[str, Decimal]
    threshold: Decimal
    parent_id: int | None = None
    schools: int = 0
    failing_schools: int = 0

    @property
    def average(self) -> dict[str, Decimal]:
        """Earned per teacher, by category."""
        n = self.teachers or 1
        return {c: _cents(self.earned_sum.get(c, ZERO) / n) for c in CATEGORIES}

    @property
    def pass_rate(self) -> Decimal:
        return _rate(self.passed, self.teachers)

    @property
    def fail_rate(self) -> Decimal:
        return _rate(self.failed, self.teachers)

    @property
    def failing(self) -> bool:
        """A school (or any unit) fails when its failure rate reaches the threshold."""
        return self.teachers > 0 and self.failed >= self.threshold * self.teachers

    @property
    def at_risk_rate(self) -> Decimal:
        return _rate(self.at_risk, self.teachers)

    def cells(self) -> list[Any]:
        return [
            self.code,
            self.name,
            self.parent,
            self.teachers,
            self.passed,
            self.failed,
            float(self.pass_rate),
            float(self.fail_rate),
            str(_("不合格") if self.failing else _("合格")),
            self.at_risk,
            *(self.average[c] for c in CATEGORIES),
            self.schools,
            self.failing_schools,
        ]

    @staticmethod
    def headers() -> list[str]:
        return [
            str(_("代码")),
            str(_("名称")),
            str(_("上级")),
            str(_("教师数")),
            str(_("合格人数")),
            str(_("不合格人数")),
            str(_("合格率")),
            str(_("不合格率")),
            str(_("结果")),
            str(_("进度预警人数")),
            *(f"{Category(c).label}{_('人均')}" for c in CATEGORIES),
            str(_("学校数")),
            str(_("不合格学校数")),
        ]


def shortfall(required: Decimal, earned: Decimal) -> Decimal:
    """What is still missing (never negative), in cents."""
    return _cents(max(required - earned, ZERO))


def _cents(value: Any) -> Decimal:
    """A database figure as Decimal cents (SQLite may hand back 16 for 16.00)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _plain(amount: Decimal) -> str:
    """12.50 → "12.5", 6.00 → "6": the same text on every database."""
    return format(amount.normalize(), "f")


def _rate(part: int, whole: int) -> Decimal:
    return (Decimal(part) / whole).quantize(Decimal("0.0001")) if whole else ZERO


@dataclass(frozen=True)
class PolicyOutcome:
    """How many teachers and schools pass or fail under one set of rules."""

    teachers: int
    teachers_passed: int
    schools: int
    schools_failing: int

    @property
    def teachers_failed(self) -> int:
        return self.teachers - self.teachers_passed

    @property
    def schools_passing(self) -> int:
        return self.schools - self.schools_failing


@dataclass(frozen=True)
class EarlyWarning:
    """Who will not reach the target by year end at the current pace (进度预警)."""

    on: datetime.date
    elapsed: Decimal
    teachers: list[TeacherRow] = field(default_factory=list)
    schools: list[UnitRow] = field(default_factory=list)


# ---------------------------------------------------------------- the policy as SQL


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
    rules: PolicyRules,
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


def _ledger_sum(rules: PolicyRules, unit: str, categories: Sequence[str], where: Q) -> Any:
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
    qs: QuerySet[Teacher, Teacher], rules: PolicyRules, periods: Sequence[PeriodRule]
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
    qs: QuerySet[Teacher, Teacher], rules: PolicyRules, year: int
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


# ---------------------------------------------------------------- selectors


def region_of(user: User) -> Region | None:
    """The region whose policy judges what ``user`` sees (their first region, or a teacher's)."""
    scope = scope_of(user)
    if scope.region_ids:
        return Region.objects.filter(pk=scope.region_ids[0]).first()
    if scope.teacher_id:
        return Region.objects.filter(teachers__pk=scope.teacher_id).first()
    return Region.objects.order_by("pk").first() if scope.is_superuser else None


def policy_region(user: User) -> Region:
    """The region whose policies ``user`` sets: the credit policy and the study-time rules.

    That is the region the user is bureau admin of (a superuser: the first region);
    anyone else gets ``PermissionDenied``, whatever roles they hold elsewhere.
    """
    scope = scope_of(user)
    region = (
        Region.objects.filter(pk=scope.bureau_region_ids[0]).first()
        if scope.bureau_region_ids
        else region_of(user)
    )
    if region is None or not user.has_perm("credits.change_policy", region):
        raise PermissionDenied
    return region


def _teachers(user: User | None, region: Region) -> QuerySet[Teacher, Teacher]:
    base = Teacher.objects.filter(region=region, is_active=True)
    return base if user is None else base.visible_to(user)


def teacher_status(
    teacher: Teacher,
    year: int,
    *,
    rules: PolicyRules | None = None,
    on: datetime.date | None = None,
) -> TeacherStatus:
    """The teacher's year under the region-year policy (or ``rules``): the same SQL as reports."""
    policy = policy_in_force(teacher.region_id, year) if rules is None else None
    rules = rules or rules_for(teacher.region_id, year)
    judged = judged_teachers(Teacher.objects.filter(pk=teacher.pk), year, rules, on=on)
    row = cast(dict[str, Any], judged.values()[0])
    lines = [
        CategoryLine(
            category=c,
            label=str(Category(c).label),
            earned=_cents(row[f"earned_{c}"]),
            required=rules.minimums.get(c, ZERO),
            cap=rules.caps.get(c),
        )
        for c in CATEGORIES
    ]
    periods = [
        RequirementLine(
            label=f"{period.name} · {minimum.label or _labels(minimum.categories)}",
            unit=period.unit,
            earned=_cents(row[f"period_{i}_{j}"]),
            required=minimum.amount,
        )
        for i, period in enumerate(rules.periods_ending_in(year))
        for j, minimum in enumerate(period.minimums)
    ]
    return TeacherStatus(
        teacher=teacher,
        year=year,
        rules=rules,
        policy=policy,
        lines=lines,
        total=_cents(row["earned_total"]),
        periods=periods,
        cycle=_cycle_lines(rules.cycle, row, year),
        passed=row["passed"],
        at_risk=row["at_risk"],
    )


def _labels(categories: Sequence[str]) -> str:
    return "、".join(str(Category(c).label) for c in categories)


def _cycle_lines(cycle: CycleRule | None, row: dict[str, Any], year: int) -> list[RequirementLine]:
    if cycle is None or "cycle_total" not in row:
        return []
    return [
        RequirementLine(
            str(_("本年度最低")), cycle.unit, _cents(row["cycle_year"]), cycle.yearly_minimum
        ),
        RequirementLine(
            f"{cycle.start_year}–{cycle.end_year} {_('周期累计')}",
            cycle.unit,
            _cents(row["cycle_total"]),
            cycle.total,
        ),
    ]


# How each level groups teachers: id, code, name, parent name, parent id.
_LEVEL_FIELDS: dict[str, dict[str, str]] = {
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


def _unit_rows(judged: QuerySet[Teacher, Teacher], rules: PolicyRules, level: str) -> list[UnitRow]:
    fields = _LEVEL_FIELDS[level]
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
            earned_sum={c: _cents(v[f"sum_{c}"]) for c in CATEGORIES},
            threshold=rules.school_fail_threshold,
        )
        for v in values
    ]


def compliance_rows(
    user: User | None,
    year: int,
    level: Level | str,
    *,
    region: Region | None = None,
    rules: PolicyRules | None = None,
    on: datetime.date | None = None,
) -> list[TeacherRow] | list[UnitRow]:
    """The compliance report at ``level``, over the teachers ``user`` may see (all if None).

    Level "teacher" gives ``teacher_rows``; the others ``unit_rows``. Pages, exports, the
    API and ``compliance_report`` all print these rows (``headers()`` and ``cells()``).
    """
    if level == "teacher":
        return teacher_rows(user, year, region=region, rules=rules, on=on)
    return unit_rows(user, year, level, region=region, rules=rules, on=on)


def _judged(
    user: User | None,
    year: int,
    region: Region | None,
    rules: PolicyRules | None,
    on: datetime.date | None,
) -> tuple[QuerySet[Teacher, Teacher], PolicyRules, Region] | None:
    region = region or (region_of(user) if user is not None else None)
    if region is None:
        return None
    rules = rules or rules_for(region.pk, year)
    return judged_teachers(_teachers(user, region), year, rules, on=on), rules, region


def teacher_rows(
    user: User | None,
    year: int,
    *,
    region: Region | None = None,
    school: School | None = None,
    rules: PolicyRules | None = None,
    on: datetime.date | None = None,
) -> list[TeacherRow]:
    """One row per visible active teacher (of ``school``, if given): earned and gap per
    category, passed, at risk."""
    judged = _judged(user, year, region, rules, on)
    if judged is None:
        return []
    teachers, rules, _region = judged
    if school is not None:
        teachers = teachers.filter(school=school)
    return _teacher_rows(teachers, rules)


@dataclass(frozen=True)
class Rollup:
    """The region, its zones and its schools from one pass over the visible teachers."""

    region: UnitRow | None
    zones: list[UnitRow]
    schools: list[UnitRow]


def rollup(
    user: User | None,
    year: int,
    *,
    region: Region | None = None,
    rules: PolicyRules | None = None,
    on: datetime.date | None = None,
) -> Rollup:
    """Region, zone and school rows at once: one judged aggregate per school; zones and the
    region add up their schools' rows (a few hundred, not the ledger), which also counts
    their failing schools."""
    judged = _judged(user, year, region, rules, on)
    if judged is None:
        return Rollup(region=None, zones=[], schools=[])
    teachers, rules, region = judged
    schools = _unit_rows(teachers, rules, "school")
    zones = Zone.objects.in_bulk({s.parent_id for s in schools if s.parent_id})
    return Rollup(
        region=_merge("region", region.pk, region.code, region.name, schools) if schools else None,
        zones=[
            _merge(
                "zone",
                zone.pk,
                zone.code,
                zone.name,
                [s for s in schools if s.parent_id == zone.pk],
            )
            for zone in sorted(zones.values(), key=lambda z: z.code)
        ],
        schools=schools,
    )


def unit_rows(
    user: User | None,
    year: int,
    level: Level | str,
    *,
    region: Region | None = None,
    rules: PolicyRules | None = None,
    on: datetime.date | None = None,
) -> list[UnitRow]:
    """One row per school, group, zone or region (``level``) over the visible teachers.

    Zone and region rows also count their schools and failing schools (see ``rollup``).
    """
    if level not in _LEVEL_FIELDS:
        raise ValueError(level)
    if level in ("zone", "region"):
        rows = rollup(user, year, region=region, rules=rules, on=on)
        if level == "zone":
            return rows.zones
        return [rows.region] if rows.region else []
    judged = _judged(user, year, region, rules, on)
    return [] if judged is None else _unit_rows(judged[0], judged[1], level)


def _merge(level: str, unit_id: int, code: str, name: str, parts: list[UnitRow]) -> UnitRow:
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


def _teacher_rows(judged: QuerySet[Teacher, Teacher], rules: PolicyRules) -> list[TeacherRow]:
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
        earned = {c: _cents(v[f"earned_{c}"]) for c in CATEGORIES}
        total = _cents(v["earned_total"])
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


def school_compliance(school: School, year: int, *, rules: PolicyRules | None = None) -> UnitRow:
    """The school's counts and rates for the year (its current teachers, all their credits)."""
    rules = rules or rules_for(school.region_id, year)
    judged = judged_teachers(Teacher.objects.filter(school=school, is_active=True), year, rules)
    rows = _unit_rows(judged, rules, "school")
    if rows:
        return rows[0]
    return UnitRow(
        level="school",
        unit_id=school.pk,
        code=school.code,
        name=school.name,
        parent="",
        parent_id=school.zone_id,
        teachers=0,
        passed=0,
        failed=0,
        at_risk=0,
        earned_sum={c: ZERO for c in CATEGORIES},
        threshold=rules.school_fail_threshold,
    )


def policy_outcome(
    region: Region, year: int, rules: PolicyRules, *, user: User | None = None
) -> PolicyOutcome:
    """Pass/fail counts of the region's teachers and schools under ``rules``, saved or not."""
    judged = judged_teachers(_teachers(user, region), year, rules)
    schools = _unit_rows(judged, rules, "school")
    return PolicyOutcome(
        teachers=sum(s.teachers for s in schools),
        teachers_passed=sum(s.passed for s in schools),
        schools=len(schools),
        schools_failing=sum(s.failing for s in schools),
    )


def early_warning(user: User, year: int, *, on: datetime.date | None = None) -> EarlyWarning:
    """Teachers behind their pace (earned < target × elapsed share of the year) and the
    schools where such teachers reach the failure threshold."""
    on = on or timezone.localdate()
    teachers = [
        r
        for r in compliance_rows(user, year, "teacher", on=on)
        if isinstance(r, TeacherRow) and r.at_risk
    ]
    schools = [
        r
        for r in unit_rows(user, year, "school", on=on)
        if r.teachers and r.at_risk >= r.threshold * r.teachers
    ]
    return EarlyWarning(on=on, elapsed=elapsed_share(year, on), teachers=teachers, schools=schools)


def entries_behind(
    user: User,
    *,
    year: int | None = None,
    teacher: int | None = None,
    school: int | None = None,
    zone: int | None = None,
    group: int | None = None,
    category: str | None = None,
) -> QuerySet[CreditEntry, CreditEntry]:
    """The ledger rows a figure sums, scoped to ``user`` (what a report's figure links to)."""
    qs = CreditEntry.objects.visible_to(user)
    if year is not None:
        qs = qs.filter(year=year)
    if teacher is not None:
        qs = qs.filter(teacher_id=teacher)
    if school is not None:
        qs = qs.filter(teacher__school_id=school)
    if zone is not None:
        qs = qs.filter(teacher__school__zone_id=zone)
    if group is not None:
        qs = qs.filter(teacher__group_memberships__group_id=group)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related(
        "teacher", "teacher__school", "certified_by", "reversal", "reverses"
    ).order_by("-occurred_on", "-pk")
