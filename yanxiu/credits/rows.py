"""The figures of compliance as rows: a teacher's standing, a teacher or unit in a report.

Plain frozen dataclasses with their derived figures (gaps, rates, "failing") and the
``headers()`` / ``cells()`` every page, export and the API print. ``compliance`` fills
them from SQL; ``selectors`` hands them to users.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from yanxiu.credits.models import Category, Policy, Unit
from yanxiu.credits.policy import CATEGORIES, PolicyTerms, plain
from yanxiu.orgs.models import Teacher

ZERO = Decimal(0)


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
    rules: PolicyTerms
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
    def shortfalls(self) -> list[tuple[str, Decimal]]:
        return shortfalls_of({line.category: line.gap for line in self.lines}, self.total_gap)

    @property
    def missing(self) -> list[str]:
        """What the teacher still lacks, as sentences (for "what is missing")."""
        unit = Unit(self.rules.unit).label
        out = [f"{line.label} {plain(line.gap)} {unit}" for line in self.lines if line.gap > 0]
        if self.total_gap > 0:
            out.append(f"{_('合计')} {plain(self.total_gap)} {unit}")
        out += [
            f"{r.label} {plain(r.gap)} {Unit(r.unit).label}"
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

    @property
    def shortfalls(self) -> list[tuple[str, Decimal]]:
        return shortfalls_of(self.gaps, self.total_gap)

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
        return {c: cents(self.earned_sum.get(c, ZERO) / n) for c in CATEGORIES}

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
    return cents(max(required - earned, ZERO))


def shortfalls_of(gaps: Mapping[str, Decimal], total_gap: Decimal) -> list[tuple[str, Decimal]]:
    """What a teacher lacks, per category (集中培训 6 / 校本研训 8), never a total hiding it.

    The total appears only when it asks for more than the categories' gaps add up to.
    """
    out = [(str(Category(c).label), gaps[c]) for c in CATEGORIES if gaps.get(c, ZERO) > 0]
    if total_gap > sum((amount for _label, amount in out), ZERO):
        out.append((str(_("合计")), total_gap))
    return out


def cents(value: Any) -> Decimal:
    """A database figure as Decimal cents (SQLite may hand back 16 for 16.00)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


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


@dataclass(frozen=True)
class Rollup:
    """The region, its zones and its schools from one pass over the visible teachers."""

    region: UnitRow | None
    zones: list[UnitRow]
    schools: list[UnitRow]
