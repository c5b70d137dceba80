"""Reading credits: compliance from one teacher to the whole region, and the entries behind it.

Each reader scopes the teachers to the user and hands them to ``compliance`` (the
policy judged in one SQL query), which fills the dataclasses of ``rows``. Pages,
exports, the API and the command line all read the same rows:

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
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yanxiu.credits.compliance import (
    LEVEL_FIELDS,
    Level,
    elapsed_share,
    judged_teachers,
    merged_unit,
    teacher_rows_of,
    unit_rows_of,
)
from yanxiu.credits.models import Category, CreditEntry
from yanxiu.credits.policy import (
    CATEGORIES,
    CycleRule,
    PolicyTerms,
    policy_in_force,
    policy_terms_for,
)
from yanxiu.credits.rows import (
    ZERO,
    CategoryLine,
    EarlyWarning,
    PolicyOutcome,
    RequirementLine,
    Rollup,
    TeacherRow,
    TeacherStatus,
    UnitRow,
    cents,
)
from yanxiu.orgs.models import Region, School, Teacher, User, Zone
from yanxiu.orgs.scoping import scope_of


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
    rules: PolicyTerms | None = None,
    on: datetime.date | None = None,
) -> TeacherStatus:
    """The teacher's year under the region-year policy (or ``rules``): the same SQL as reports."""
    policy = policy_in_force(teacher.region_id, year) if rules is None else None
    rules = rules or policy_terms_for(teacher.region_id, year)
    judged = judged_teachers(Teacher.objects.filter(pk=teacher.pk), year, rules, on=on)
    row = cast(dict[str, Any], judged.values()[0])
    lines = [
        CategoryLine(
            category=c,
            label=str(Category(c).label),
            earned=cents(row[f"earned_{c}"]),
            required=rules.minimums.get(c, ZERO),
            cap=rules.caps.get(c),
        )
        for c in CATEGORIES
    ]
    periods = [
        RequirementLine(
            label=f"{period.name} · {minimum.label or _labels(minimum.categories)}",
            unit=period.unit,
            earned=cents(row[f"period_{i}_{j}"]),
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
        total=cents(row["earned_total"]),
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
            str(_("本年度最低")), cycle.unit, cents(row["cycle_year"]), cycle.yearly_minimum
        ),
        RequirementLine(
            f"{cycle.start_year}–{cycle.end_year} {_('周期累计')}",
            cycle.unit,
            cents(row["cycle_total"]),
            cycle.total,
        ),
    ]


def compliance_rows(
    user: User | None,
    year: int,
    level: Level | str,
    *,
    region: Region | None = None,
    rules: PolicyTerms | None = None,
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
    rules: PolicyTerms | None,
    on: datetime.date | None,
) -> tuple[QuerySet[Teacher, Teacher], PolicyTerms, Region] | None:
    region = region or (region_of(user) if user is not None else None)
    if region is None:
        return None
    rules = rules or policy_terms_for(region.pk, year)
    return judged_teachers(_teachers(user, region), year, rules, on=on), rules, region


def teacher_rows(
    user: User | None,
    year: int,
    *,
    region: Region | None = None,
    school: School | None = None,
    rules: PolicyTerms | None = None,
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
    return teacher_rows_of(teachers, rules)


def rollup(
    user: User | None,
    year: int,
    *,
    region: Region | None = None,
    rules: PolicyTerms | None = None,
    on: datetime.date | None = None,
) -> Rollup:
    """Region, zone and school rows at once: one judged aggregate per school; zones and the
    region add up their schools' rows (a few hundred, not the ledger), which also counts
    their failing schools."""
    judged = _judged(user, year, region, rules, on)
    if judged is None:
        return Rollup(region=None, zones=[], schools=[])
    teachers, rules, region = judged
    schools = unit_rows_of(teachers, rules, "school")
    zones = Zone.objects.in_bulk({s.parent_id for s in schools if s.parent_id})
    return Rollup(
        region=merged_unit("region", region.pk, region.code, region.name, schools)
        if schools
        else None,
        zones=[
            merged_unit(
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
    rules: PolicyTerms | None = None,
    on: datetime.date | None = None,
) -> list[UnitRow]:
    """One row per school, group, zone or region (``level``) over the visible teachers.

    Zone and region rows also count their schools and failing schools (see ``rollup``).
    """
    if level not in LEVEL_FIELDS:
        raise ValueError(level)
    if level in ("zone", "region"):
        rows = rollup(user, year, region=region, rules=rules, on=on)
        if level == "zone":
            return rows.zones
        return [rows.region] if rows.region else []
    judged = _judged(user, year, region, rules, on)
    return [] if judged is None else unit_rows_of(judged[0], judged[1], level)


def school_compliance(school: School, year: int, *, rules: PolicyTerms | None = None) -> UnitRow:
    """The school's counts and rates for the year (its current teachers, all their credits)."""
    rules = rules or policy_terms_for(school.region_id, year)
    judged = judged_teachers(Teacher.objects.filter(school=school, is_active=True), year, rules)
    rows = unit_rows_of(judged, rules, "school")
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
    region: Region, year: int, rules: PolicyTerms, *, user: User | None = None
) -> PolicyOutcome:
    """Pass/fail counts of the region's teachers and schools under ``rules``, saved or not."""
    judged = judged_teachers(_teachers(user, region), year, rules)
    schools = unit_rows_of(judged, rules, "school")
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
