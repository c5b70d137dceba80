"""Credit policies as data: the rules document, its validation, and which version is in force.

A policy document (the JSON stored in ``Policy.document``, and the YAML that
``set_policy`` reads) says, for one region and year::

    annual:                       # the yearly requirement
      unit: credit                # what total/minimums/caps are counted in
      total: 48
      minimums: {centralized: 16, online: 8, school_based: 24}
      caps: {}                    # at most this much of a category counts in the year
    hours_per_credit: {centralized: 1, online: 1, school_based: 1}
    excluded_activity_types: [routine_meeting, political_study, recreation]
    school_fail_threshold: 0.2    # a school fails when this share of its teachers fail
    periods:                      # requirements inside a project period
      - {name: 网络研修项目, start: 2026-03-01, end: 2026-12-31, unit: hour,
         minimums: [{label: 线上, categories: [online], amount: 50},
                    {label: 线下, categories: [centralized, school_based], amount: 20}],
         phases: [{name: 启动, start: 2026-03-01, end: 2026-03-31},   # optional stages
                  {name: 推进, start: 2026-04-01, end: 2026-08-31}, …]}
    cycle:                        # a multi-year cycle, judged in its last year
      {start_year: 2022, years: 5, unit: hour, total: 360, yearly_minimum: 24,
       caps: {school_based: 120}}

Amounts in hours become credits through ``hours_per_credit`` of their category and
the other way round, so one ledger serves rules counted in either unit.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError
from yanxiu.credits.models import ActivityType, Category, Policy, Unit

CATEGORIES: tuple[str, ...] = tuple(Category.values)

DEFAULT_DOCUMENT: dict[str, Any] = {
    "annual": {
        "unit": Unit.CREDIT.value,
        "total": 48,
        "minimums": {"centralized": 16, "online": 8, "school_based": 24},
        "caps": {},
    },
    "hours_per_credit": {c: 1 for c in CATEGORIES},
    "excluded_activity_types": list(ActivityType.values),
    "school_fail_threshold": 0.2,
    "periods": [],
    "cycle": None,
}


class PolicyError(DomainError):
    """A policy document that cannot be used; ``messages`` lists every problem in Chinese."""

    code = "invalid_policy"

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class GroupMinimum:
    """At least ``amount`` summed over ``categories`` (e.g. 线下 = centralized + school-based)."""

    label: str
    categories: tuple[str, ...]
    amount: Decimal


@dataclass(frozen=True)
class PhaseRule:
    """One stage of a project period (启动, 推进, 深化, 总结): a name over a span of dates."""

    name: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class PeriodRule:
    """Minimums to reach between two dates, counted by the entries' dates, and the stages
    the period runs through (in order, inside it, not overlapping; none is fine)."""

    name: str
    start: datetime.date
    end: datetime.date
    unit: str
    minimums: tuple[GroupMinimum, ...]
    phases: tuple[PhaseRule, ...] = ()

    def phase_on(self, day: datetime.date) -> PhaseRule | None:
        return next((p for p in self.phases if p.start <= day <= p.end), None)


@dataclass(frozen=True)
class CycleRule:
    """A multi-year cycle: a total over ``years`` years from ``start_year``, a yearly minimum."""

    start_year: int
    years: int
    unit: str
    total: Decimal
    yearly_minimum: Decimal
    caps: dict[str, Decimal] = field(default_factory=dict)

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


@dataclass(frozen=True)
class PolicyTerms:
    """A validated policy document, ready to evaluate."""

    unit: str
    total: Decimal
    minimums: dict[str, Decimal]
    caps: dict[str, Decimal]
    hours_per_credit: dict[str, Decimal]
    excluded_activity_types: frozenset[str]
    school_fail_threshold: Decimal
    periods: tuple[PeriodRule, ...] = ()
    cycle: CycleRule | None = None

    def periods_ending_in(self, year: int) -> tuple[PeriodRule, ...]:
        return tuple(p for p in self.periods if p.end.year == year)

    def max_entry(self, category: str, unit: str) -> Decimal:
        """The most one entry typed by hand or imported may hold, in ``unit``: the
        category's yearly cap where the policy sets one, else the year's total.

        No single activity earns more than a year's requirement, so a bigger figure is
        a typing slip (or 999,999.99 hours certified to oneself).
        """
        limit = self.caps.get(category) or self.total
        if unit == self.unit:
            return limit
        per_credit = self.hours_per_credit[category]
        return limit * per_credit if unit == Unit.HOUR else limit / per_credit

    @property
    def formula(self) -> str:
        """The year's requirement at a glance: "48 学分 = 16 + 8 + 24" (the category minimums)."""
        parts = " + ".join(plain(self.minimums.get(c, Decimal(0))) for c in CATEGORIES)
        return f"{plain(self.total)} {Unit(self.unit).label} = {parts}"

    def to_document(self) -> dict[str, Any]:
        """The JSON-ready document this rule set was read from (numbers as plain numbers)."""
        return {
            "annual": {
                "unit": self.unit,
                "total": _num(self.total),
                "minimums": {c: _num(v) for c, v in self.minimums.items()},
                "caps": {c: _num(v) for c, v in self.caps.items()},
            },
            "hours_per_credit": {c: _num(v) for c, v in self.hours_per_credit.items()},
            "excluded_activity_types": sorted(self.excluded_activity_types),
            "school_fail_threshold": _num(self.school_fail_threshold),
            "periods": [
                {
                    "name": p.name,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "unit": p.unit,
                    "minimums": [
                        {
                            "label": m.label,
                            "categories": list(m.categories),
                            "amount": _num(m.amount),
                        }
                        for m in p.minimums
                    ],
                    "phases": [
                        {"name": ph.name, "start": ph.start.isoformat(), "end": ph.end.isoformat()}
                        for ph in p.phases
                    ],
                }
                for p in self.periods
            ],
            "cycle": None
            if self.cycle is None
            else {
                "start_year": self.cycle.start_year,
                "years": self.cycle.years,
                "unit": self.cycle.unit,
                "total": _num(self.cycle.total),
                "yearly_minimum": _num(self.cycle.yearly_minimum),
                "caps": {c: _num(v) for c, v in self.cycle.caps.items()},
            },
        }


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _Reader:
    """Collects every problem of a document instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def number(self, value: Any, where: str, *, positive: bool = False) -> Decimal:
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            self.errors.append(
                _("%(where)s 必须是数字，而不是“%(value)s”") % {"where": where, "value": value}
            )
            return Decimal(0)
        if not number.is_finite() or number < 0 or (positive and number == 0):
            message = _("%(where)s 必须大于 0") if positive else _("%(where)s 不能为负数")
            self.errors.append(message % {"where": where})
            return Decimal(0)
        return number

    def unit(self, value: Any, where: str) -> str:
        if value not in Unit.values:
            self.errors.append(
                _("%(where)s 的单位必须是 hour（学时）或 credit（学分）") % {"where": where}
            )
            return Unit.CREDIT.value
        return str(value)

    def per_category(self, value: Any, where: str, *, positive: bool = False) -> dict[str, Decimal]:
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            self.errors.append(_("%(where)s 必须是“类别: 数量”的表") % {"where": where})
            return {}
        result = {}
        for key, amount in value.items():
            if key not in CATEGORIES:
                self.errors.append(
                    _("%(where)s 中的类别“%(key)s”不存在") % {"where": where, "key": key}
                )
                continue
            result[key] = self.number(amount, f"{where}.{key}", positive=positive)
        return result

    def date(self, value: Any, where: str) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.errors.append(_("%(where)s 必须是日期（如 2026-03-01）") % {"where": where})
            return datetime.date(1970, 1, 1)

    def categories(self, value: Any, where: str) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        bad = [c for c in items if c not in CATEGORIES]
        if bad or not items:
            self.errors.append(_("%(where)s 中的类别无效：%(bad)s") % {"where": where, "bad": bad})
        return tuple(c for c in items if c in CATEGORIES)


def parse_policy(document: Any) -> PolicyTerms:
    """Validate a policy document; raise ``PolicyError`` listing every problem in Chinese."""
    if not isinstance(document, dict):
        raise PolicyError([_("政策文件必须是一个 YAML/JSON 对象")])
    r = _Reader()
    annual = document.get("annual") or {}
    if not isinstance(annual, dict):
        r.errors.append(_("annual（年度要求）必须是一个对象"))
        annual = {}
    hours_per_credit = r.per_category(
        document.get("hours_per_credit"), "hours_per_credit（学时/学分换算）", positive=True
    )
    for category in CATEGORIES:
        hours_per_credit.setdefault(category, Decimal(1))
    excluded = document.get("excluded_activity_types") or []
    unknown = [a for a in excluded if a not in ActivityType.values]
    if unknown:
        r.errors.append(_("不计学时的活动类型无效：%(types)s") % {"types": unknown})
    threshold = r.number(
        document.get("school_fail_threshold", 0.2), "school_fail_threshold（学校不合格率）"
    )
    if threshold > 1:
        r.errors.append(_("学校不合格率阈值必须在 0 到 1 之间（如 0.2 表示 20%）"))
    total = r.number(annual.get("total", 0), "annual.total（年度总量）")
    minimums = r.per_category(annual.get("minimums"), "annual.minimums（分类最低要求）")
    caps = r.per_category(annual.get("caps"), "annual.caps（分类上限）")
    if sum(minimums.values(), Decimal(0)) > total:
        r.errors.append(
            _("分类最低要求之和（%(sum)s）超过了年度总量（%(total)s）")
            % {"sum": sum(minimums.values()), "total": total}
        )
    for category, cap in caps.items():
        if cap < minimums.get(category, Decimal(0)):
            r.errors.append(
                _("%(category)s 的上限小于其最低要求") % {"category": Category(category).label}
            )
    rules = PolicyTerms(
        unit=r.unit(annual.get("unit", Unit.CREDIT), "annual.unit"),
        total=total,
        minimums=minimums,
        caps=caps,
        hours_per_credit=hours_per_credit,
        excluded_activity_types=frozenset(a for a in excluded if a in ActivityType.values),
        school_fail_threshold=threshold,
        periods=tuple(_periods(r, document.get("periods") or [])),
        cycle=_cycle(r, document.get("cycle")),
    )
    if r.errors:
        raise PolicyError(r.errors)
    return rules


def _periods(r: _Reader, periods: Any) -> list[PeriodRule]:
    if not isinstance(periods, list):
        r.errors.append(_("periods（项目周期要求）必须是列表"))
        return []
    result = []
    for i, p in enumerate(periods, start=1):
        where = _("第%(i)s个项目周期") % {"i": i}
        if not isinstance(p, dict):
            r.errors.append(_("%(where)s 必须是一个对象") % {"where": where})
            continue
        start, end = r.date(p.get("start"), f"{where}.start"), r.date(p.get("end"), f"{where}.end")
        if end < start:
            r.errors.append(_("%(where)s 的结束日期早于开始日期") % {"where": where})
        minimums = []
        for j, m in enumerate(p.get("minimums") or [], start=1):
            mwhere = f"{where}.minimums[{j}]"
            if not isinstance(m, dict):
                r.errors.append(_("%(where)s 必须是一个对象") % {"where": mwhere})
                continue
            minimums.append(
                GroupMinimum(
                    label=str(m.get("label") or ""),
                    categories=r.categories(m.get("categories"), mwhere),
                    amount=r.number(m.get("amount"), f"{mwhere}.amount"),
                )
            )
        result.append(
            PeriodRule(
                name=str(p.get("name") or where),
                start=start,
                end=end,
                unit=r.unit(p.get("unit", Unit.HOUR), f"{where}.unit"),
                minimums=tuple(minimums),
                phases=_phases(r, p.get("phases") or [], where, start, end),
            )
        )
    return result


def _phases(
    r: _Reader, phases: Any, where: str, start: datetime.date, end: datetime.date
) -> tuple[PhaseRule, ...]:
    if not isinstance(phases, list):
        r.errors.append(_("%(where)s.phases（阶段）必须是列表") % {"where": where})
        return ()
    result: list[PhaseRule] = []
    for k, ph in enumerate(phases, start=1):
        pwhere = f"{where}.phases[{k}]"
        if not isinstance(ph, dict) or not ph.get("name"):
            r.errors.append(_("%(where)s 须有名称、开始和结束日期") % {"where": pwhere})
            continue
        errors = len(r.errors)
        phase = PhaseRule(
            name=str(ph["name"]),
            start=r.date(ph.get("start"), f"{pwhere}.start"),
            end=r.date(ph.get("end"), f"{pwhere}.end"),
        )
        if len(r.errors) > errors:
            continue
        if not start <= phase.start <= phase.end <= end:
            r.errors.append(_("%(where)s 须在项目周期之内，且结束不早于开始") % {"where": pwhere})
        elif result and phase.start <= result[-1].end:
            r.errors.append(_("%(where)s 须在上一阶段结束之后开始") % {"where": pwhere})
        result.append(phase)
    return tuple(result)


def _cycle(r: _Reader, cycle: Any) -> CycleRule | None:
    if not cycle:
        return None
    if not isinstance(cycle, dict):
        r.errors.append(_("cycle（多年周期）必须是一个对象"))
        return None
    years = int(r.number(cycle.get("years", 5), "cycle.years（周期年数）", positive=True))
    return CycleRule(
        start_year=int(
            r.number(cycle.get("start_year", 0), "cycle.start_year（周期起始年）", positive=True)
        ),
        years=years,
        unit=r.unit(cycle.get("unit", Unit.HOUR), "cycle.unit"),
        total=r.number(cycle.get("total", 0), "cycle.total（周期总量）"),
        yearly_minimum=r.number(cycle.get("yearly_minimum", 0), "cycle.yearly_minimum（每年最低）"),
        caps=r.per_category(cycle.get("caps"), "cycle.caps（周期分类上限）"),
    )


@functools.cache
def default_rules() -> PolicyTerms:
    """The seed policy: 48 credits (16 centralized, 8 online, 24 school-based), 20% threshold."""
    return parse_policy(DEFAULT_DOCUMENT)


def policy_in_force(region_id: int, year: int) -> Policy | None:
    """The latest version for the region and year, else the latest of the closest earlier year."""
    return (
        Policy.objects.filter(region_id=region_id, year__lte=year)
        .order_by("-year", "-version")
        .first()
    )


def policy_terms_for(region_id: int, year: int) -> PolicyTerms:
    """The rules that judge ``year`` in the region (the seed policy when none was ever set)."""
    policy = policy_in_force(region_id, year)
    return default_rules() if policy is None else parse_policy(policy.document)


def plain(amount: Decimal) -> str:
    """12.50 → "12.5", 6.00 → "6": the same text on every database."""
    return format(amount.normalize(), "f")
