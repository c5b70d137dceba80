"""School, zone and region report pages: the selectors' compliance rows arranged for reading.

No compliance maths here: pass/fail, rates and averages come from
``yanxiu.credits.compliance``. This module picks the rows of one school, zone or
region, adds the monthly trend of the ledger, and turns the figures into ECharts
options whose every bar and point links to the teachers or entries behind it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Max, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from yanxiu.credits.exports import _text as cell_text
from yanxiu.credits.models import Category, CreditEntry, Unit
from yanxiu.credits.policy import CATEGORIES, PolicyTerms, policy_terms_for
from yanxiu.credits.rows import TeacherRow, UnitRow
from yanxiu.credits.selectors import (
    rollup,
    school_compliance,
    teacher_rows,
    unit_rows,
)
from yanxiu.imports.tables import write_table
from yanxiu.orgs.models import Region, School, User, Zone
from yanxiu.orgs.scoping import scope_of

OK_COLOR = "#1b7f3b"
BAD_COLOR = "#b42318"
MONTHS = range(1, 13)
TREND_CACHE_SECONDS = 300


def entries_url(**filters: int | str) -> str:
    """The ledger list (credits:entry_list) filtered to the entries behind a figure."""
    return f"{reverse('credits:entry_list')}?{urlencode(filters)}"


def report_url(level: str, pk: int, year: int) -> str:
    return f"{reverse(f'credit_reports:{level}', args=[pk])}?year={year}"


@dataclass
class Chart:
    """An ECharts option and, per series, the URL each data point opens."""

    chart_id: str
    title: str
    option: dict[str, Any]
    links: list[list[str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"option": self.option, "links": self.links}


@dataclass
class Report:
    """What one report page shows: a summary row, the rows below it, the charts."""

    level: str
    title: str
    year: int
    rules: PolicyTerms
    summary: UnitRow | None
    # Region: its zones; zone: its schools. ``schools`` is what the export lists.
    units: list[UnitRow] = field(default_factory=list)
    schools: list[UnitRow] = field(default_factory=list)
    teachers: list[TeacherRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return str(Unit(self.rules.unit).label)


def _pct(rate: Decimal) -> float:
    return round(float(rate) * 100, 1)


def _bar(labels: Sequence[str], name: str, *, percent: bool = False) -> dict[str, Any]:
    axis_label: dict[str, Any] = {"interval": 0, "rotate": 30 if len(labels) > 6 else 0}
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 16, "top": 48, "bottom": 72, "containLabel": True},
        "xAxis": {"type": "category", "data": list(labels), "axisLabel": axis_label},
        "yAxis": {"type": "value", "name": name, **({"max": 100} if percent else {})},
        "series": [],
    }


def pass_rate_chart(chart_id: str, title: str, rows: Sequence[UnitRow], year: int) -> Chart:
    """Pass rate per unit (school or zone), failing ones in red, each bar opening its report."""
    option = _bar([r.name for r in rows], _("合格率（%）"), percent=True)
    option["series"] = [
        {
            "type": "bar",
            "name": _("合格率"),
            # A school where nobody passed still gets a bar to click.
            "barMinHeight": 4,
            "data": [
                {
                    "value": _pct(r.pass_rate),
                    "itemStyle": {"color": BAD_COLOR if r.failing else OK_COLOR},
                }
                for r in rows
            ],
        }
    ]
    if rows:
        threshold = round((1 - float(rows[0].threshold)) * 100, 1)
        option["series"][0]["markLine"] = {
            "symbol": "none",
            "data": [{"yAxis": threshold, "name": _("达标线")}],
            "lineStyle": {"color": BAD_COLOR, "type": "dashed"},
        }
    links = [[report_url(r.level, r.unit_id, year) for r in rows]]
    return Chart(chart_id, title, option, links)


def category_progress_chart(
    chart_id: str, summary: UnitRow, rules: PolicyTerms, year: int, **scope: int
) -> Chart:
    """Average earned per category against the policy minimum; bars open the entries."""
    labels = [str(Category(c).label) for c in CATEGORIES]
    option = _bar(labels, str(Unit(rules.unit).label))
    option["legend"] = {"top": 0}
    option["series"] = [
        {
            "type": "bar",
            "name": _("人均已获得"),
            "data": [float(summary.average[c]) for c in CATEGORIES],
        },
        {
            "type": "bar",
            "name": _("最低要求"),
            "data": [float(rules.minimums.get(c, 0)) for c in CATEGORIES],
            "itemStyle": {"color": "#c5cbd6"},
        },
    ]
    links = [[entries_url(year=year, category=c, **scope) for c in CATEGORIES]]
    return Chart(chart_id, _("各类别进度"), option, links)


def teacher_category_chart(chart_id: str, teachers: Sequence[TeacherRow], year: int) -> Chart:
    """Per category, how many of the school's teachers reached the minimum and how many not."""
    labels = [str(Category(c).label) for c in CATEGORIES]
    met = [sum(1 for t in teachers if t.gaps[c] == 0) for c in CATEGORIES]
    option = _bar(labels, _("人数"))
    option["legend"] = {"top": 0}
    option["series"] = [
        {"type": "bar", "stack": "n", "name": _("已达最低要求"), "data": met},
        {
            "type": "bar",
            "stack": "n",
            "name": _("未达最低要求"),
            "data": [len(teachers) - m for m in met],
            "itemStyle": {"color": BAD_COLOR},
        },
    ]
    anchor = [f"?year={year}&show={c}#teachers" for c in CATEGORIES]
    return Chart(chart_id, _("各类别达标人数"), option, [anchor, anchor])


def monthly_trend(
    user: User, year: int, rules: PolicyTerms, **scope: int
) -> dict[str, list[Decimal]]:
    """Per category, the amount posted in each month of ``year`` (by date of the activity).

    Hours and credits are summed apart in SQL and expressed in the policy's unit here.
    Scanning a region's ledger is the dearest part of a report, so the result is
    cached under the ledger's highest entry id: the ledger is append-only (a
    correction is a new entry), so any change to it gives a new key. Teachers moving
    between schools do not, hence the short lifetime.
    """
    version = CreditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    key = "credits:trend:" + _digest(
        [scope_of(user).read_paths, scope_of(user).teacher_id, sorted(scope.items())],
        [year, rules.unit, sorted(rules.hours_per_credit.items()), version],
    )
    trend: dict[str, list[Decimal]] | None = cache.get(key)
    if trend is None:
        trend = _monthly_sums(user, year, rules, **scope)
        cache.set(key, trend, TREND_CACHE_SECONDS)
    return trend


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _monthly_sums(
    user: User, year: int, rules: PolicyTerms, **scope: int
) -> dict[str, list[Decimal]]:
    entries = CreditEntry.objects.visible_to(user).filter(year=year)
    if "school" in scope:
        entries = entries.filter(teacher__school_id=scope["school"])
    if "zone" in scope:
        entries = entries.filter(teacher__school__zone_id=scope["zone"])
    sums = (
        entries.filter(occurred_on__year=year)
        .annotate(month=ExtractMonth("occurred_on"))
        .values("month", "category", "unit")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    trend: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 12)
    for row in sums:
        trend[row["category"]][row["month"] - 1] += _in_policy_unit(
            row["total"], row["unit"], row["category"], rules
        )
    return {c: trend[c] for c in CATEGORIES}


def _in_policy_unit(amount: Decimal, unit: str, category: str, rules: PolicyTerms) -> Decimal:
    if unit == rules.unit:
        return amount
    per_credit = rules.hours_per_credit.get(category, Decimal(1)) or Decimal(1)
    return amount / per_credit if unit == Unit.HOUR else amount * per_credit


def trend_chart(
    chart_id: str, trend: dict[str, list[Decimal]], rules: PolicyTerms, year: int, **scope: int
) -> Chart:
    option: dict[str, Any] = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 16, "top": 48, "bottom": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": [_("%(m)d月") % {"m": m} for m in MONTHS]},
        "yAxis": {"type": "value", "name": str(Unit(rules.unit).label)},
        "series": [
            {
                "type": "line",
                "name": str(Category(c).label),
                "data": [round(float(v), 2) for v in trend[c]],
            }
            for c in CATEGORIES
        ],
    }
    links = [[entries_url(year=year, category=c, **scope)] * 12 for c in CATEGORIES]
    return Chart(chart_id, _("按月学时学分"), option, links)


def _row_of(rows: Sequence[UnitRow], pk: int) -> UnitRow | None:
    return next((row for row in rows if row.unit_id == pk), None)


def schools_of(user: User, region: Region, year: int, rules: PolicyTerms) -> list[UnitRow]:
    return unit_rows(user, year, "school", region=region, rules=rules)


def zone_schools(user: User, zone: Zone, year: int, rules: PolicyTerms) -> list[UnitRow]:
    return [s for s in schools_of(user, zone.region, year, rules) if s.parent_id == zone.pk]


def school_teachers(user: User, school: School, year: int, rules: PolicyTerms) -> list[TeacherRow]:
    return teacher_rows(user, year, region=school.region, school=school, rules=rules)


def region_report(user: User, region: Region, year: int) -> Report:
    rules = policy_terms_for(region.pk, year)
    levels = rollup(user, year, region=region, rules=rules)
    summary, zones, schools = levels.region, levels.zones, levels.schools
    report = Report("region", region.name, year, rules, summary, units=zones, schools=schools)
    report.charts = [
        pass_rate_chart("chart-zones", _("各片区合格率"), zones, year),
        pass_rate_chart("chart-schools", _("各校合格率"), schools, year),
        trend_chart("chart-trend", monthly_trend(user, year, rules), rules, year),
    ]
    if summary is not None:
        report.charts.insert(0, category_progress_chart("chart-categories", summary, rules, year))
    return report


def zone_report(user: User, zone: Zone, year: int) -> Report:
    rules = policy_terms_for(zone.region_id, year)
    levels = rollup(user, year, region=zone.region, rules=rules)
    summary = _row_of(levels.zones, zone.pk)
    schools = [s for s in levels.schools if s.parent_id == zone.pk]
    report = Report("zone", zone.name, year, rules, summary, units=schools, schools=schools)
    report.charts = [
        pass_rate_chart("chart-schools", _("各校合格率"), schools, year),
        trend_chart(
            "chart-trend", monthly_trend(user, year, rules, zone=zone.pk), rules, year, zone=zone.pk
        ),
    ]
    if summary is not None:
        report.charts.insert(
            0, category_progress_chart("chart-categories", summary, rules, year, zone=zone.pk)
        )
    return report


def school_report(user: User, school: School, year: int, *, show: str = "") -> Report:
    """The school's teachers; ``show`` narrows the list to those a figure counts.

    ``show`` is a category (teachers short of its minimum), "failed" or "at_risk".
    """
    rules = policy_terms_for(school.region_id, year)
    summary = school_compliance(school, year, rules=rules)
    teachers = school_teachers(user, school, year, rules)
    report = Report("school", school.name, year, rules, summary, teachers=teachers)
    report.charts = [
        category_progress_chart("chart-categories", summary, rules, year, school=school.pk),
        teacher_category_chart("chart-teacher-categories", teachers, year),
        trend_chart(
            "chart-trend",
            monthly_trend(user, year, rules, school=school.pk),
            rules,
            year,
            school=school.pk,
        ),
    ]
    if show in CATEGORIES:
        report.teachers = [t for t in teachers if t.gaps[show] > 0]
    elif show == "failed":
        report.teachers = [t for t in teachers if not t.passed]
    elif show == "at_risk":
        report.teachers = [t for t in teachers if t.at_risk]
    return report


def write_export(
    out: IO[bytes], fmt: str, user: User, unit: Region | Zone | School, year: int
) -> int:
    """A report's main table as .xlsx or .csv: a school's teachers, else the schools listed.

    Only the rows are computed, not the page's summary and charts.
    """
    region_id = unit.pk if isinstance(unit, Region) else unit.region_id
    rules = policy_terms_for(region_id, year)
    rows: Sequence[TeacherRow | UnitRow]
    if isinstance(unit, School):
        header, rows = TeacherRow.headers(), school_teachers(user, unit, year, rules)
    elif isinstance(unit, Zone):
        header, rows = UnitRow.headers(), zone_schools(user, unit, year, rules)
    else:
        header, rows = UnitRow.headers(), schools_of(user, unit, year, rules)
    return write_table(out, fmt, header, ([cell_text(v) for v in r.cells()] for r in rows))
