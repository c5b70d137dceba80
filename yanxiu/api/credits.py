"""API endpoints for credits, scoped exactly as the pages are.

Ledger entries, a teacher's status, school and region compliance and the policy in
force; the figures come from ``yanxiu.credits.selectors``, the same as the pages.
Objects outside the caller's scope answer 404.
"""

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yanxiu.api.common import ObjectId, PathId, caller
from yanxiu.api.pagination import Pages
from yanxiu.api.schemas import Year, responses
from yanxiu.credits.models import Category, CreditEntry
from yanxiu.credits.policy import policy_in_force, policy_terms_for
from yanxiu.credits.rows import UnitRow
from yanxiu.credits.selectors import (
    entries_behind,
    region_of,
    school_compliance,
    teacher_status,
    unit_rows,
)
from yanxiu.orgs.models import Teacher
from yanxiu.orgs.selectors import visible_school

router = Router(tags=["credits"])


def _this_year() -> int:
    return timezone.localdate().year


class EntryOut(Schema):
    id: int
    teacher_id: int
    teacher_name: str = Field(alias="teacher.name")
    year: int
    category: Category
    amount: Decimal
    unit: str
    activity_type: str
    source_label: str
    reason: str
    occurred_on: datetime.date
    certified_by: str
    certified_at: datetime.datetime
    reverses_id: int | None
    reversed: bool

    @staticmethod
    def resolve_certified_by(obj: CreditEntry) -> str:
        return str(obj.certified_by)

    @staticmethod
    def resolve_reversed(obj: CreditEntry) -> bool:
        return hasattr(obj, "reversal")


class EntryFilters(Schema):
    year: Year | None = None
    teacher: ObjectId | None = None
    school: ObjectId | None = None
    zone: ObjectId | None = None
    group: ObjectId | None = None
    category: Category | None = None


@router.get(
    "/entries",
    response=responses(list[EntryOut]),
    summary="学时记录（分页，按年度/教师/学校/类别筛选）",
)
@paginate(Pages)
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> QuerySet[CreditEntry]:
    return entries_behind(caller(request), **filters.dict())


class LineOut(Schema):
    category: str
    label: str
    earned: Decimal
    required: Decimal
    cap: Decimal | None
    gap: Decimal


class RequirementOut(Schema):
    label: str
    unit: str
    earned: Decimal
    required: Decimal
    gap: Decimal
    met: bool


class StatusOut(Schema):
    teacher_id: int
    teacher_name: str
    year: int
    unit: str
    policy_version: int | None
    lines: list[LineOut]
    total: Decimal
    total_required: Decimal
    total_gap: Decimal
    periods: list[RequirementOut]
    cycle: list[RequirementOut]
    passed: bool
    at_risk: bool
    missing: list[str]


@router.get(
    "/teachers/{teacher_id}/status",
    response=responses(StatusOut, 404),
    summary="教师年度学时达标情况（分类已获得/要求/差额）",
)
def get_teacher_status(
    request: HttpRequest, teacher_id: PathId, year: Year | None = None
) -> dict[str, Any]:
    teacher = get_object_or_404(Teacher.objects.visible_to(caller(request)), pk=teacher_id)
    status = teacher_status(teacher, year or _this_year())
    return {
        "teacher_id": teacher.pk,
        "teacher_name": teacher.name,
        "year": status.year,
        "unit": status.unit,
        "policy_version": status.policy.version if status.policy else None,
        "lines": [{**vars(line), "gap": line.gap} for line in status.lines],
        "total": status.total,
        "total_required": status.rules.total,
        "total_gap": status.total_gap,
        "periods": [_requirement(r) for r in status.periods],
        "cycle": [_requirement(r) for r in status.cycle],
        "passed": status.passed,
        "at_risk": status.at_risk,
        "missing": status.missing,
    }


def _requirement(line: Any) -> dict[str, Any]:
    return {**vars(line), "gap": line.gap, "met": line.met}


class UnitOut(Schema):
    level: str
    id: int = Field(alias="unit_id")
    code: str
    name: str
    parent: str
    teachers: int
    passed: int
    failed: int
    pass_rate: Decimal
    fail_rate: Decimal
    failing: bool
    at_risk: int
    average: dict[str, Decimal]
    schools: int
    failing_schools: int


@router.get(
    "/schools/{school_id}/compliance",
    response=responses(UnitOut, 403, 404),
    summary="学校年度达标统计（不合格率达阈值即不合格）",
)
def get_school_compliance(
    request: HttpRequest, school_id: PathId, year: Year | None = None
) -> UnitRow:
    user = caller(request)
    school = visible_school(user, school_id)
    if not user.has_perm("credits.view_ledger"):
        raise PermissionDenied(_("没有权限查看学校达标统计"))
    return school_compliance(school, year or _this_year())


@router.get(
    "/compliance",
    response=responses(list[UnitOut], 403),
    summary="达标统计：按学校、研修组、片区或全区（仅含可见教师）",
)
def list_compliance(
    request: HttpRequest,
    year: Year | None = None,
    level: Literal["school", "group", "zone", "region"] = "region",
) -> list[UnitRow]:
    user = caller(request)
    if not user.has_perm("credits.view_ledger"):
        raise PermissionDenied(_("没有权限查看达标统计"))
    return unit_rows(user, year or _this_year(), level)


class PolicyOut(Schema):
    region_id: int
    year: int
    version: int | None
    in_force_from_year: int | None
    document: dict[str, Any]


@router.get("/policy", response=responses(PolicyOut, 403), summary="本区县某年度生效的学时政策")
def get_policy(request: HttpRequest, year: Year | None = None) -> dict[str, Any]:
    region = region_of(caller(request))
    if region is None:
        raise PermissionDenied(_("没有所属区县"))
    year = year or _this_year()
    policy = policy_in_force(region.pk, year)
    return {
        "region_id": region.pk,
        "year": year,
        "version": policy.version if policy else None,
        "in_force_from_year": policy.year if policy else None,
        "document": policy_terms_for(region.pk, year).to_document(),
    }
