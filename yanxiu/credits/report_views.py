"""Report pages of the region, a zone and a school, with charts and spreadsheet exports."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import year_param
from yanxiu.credits.models import Category
from yanxiu.credits.reports import (
    Report,
    region_report,
    report_url,
    school_report,
    write_export,
    zone_report,
)
from yanxiu.imports.tables import CONTENT_TYPES, WRITE_FORMATS
from yanxiu.orgs.models import Region, School, Zone
from yanxiu.orgs.scoping import scope_of
from yanxiu.orgs.selectors import visible_school, visible_zone

YEARS_SHOWN = 5


def _check(request: AuthedHttpRequest, unit: Model) -> None:
    if not request.user.has_perm("orgs.view_org_reports", unit):
        raise PermissionDenied


def _export(request: AuthedHttpRequest, unit: Region | Zone | School, fmt: str) -> HttpResponse:
    out = io.BytesIO()
    year = year_param(request)
    write_export(out, fmt, request.user, unit, year)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
    name = _("%(name)s-%(year)s-学时报表") % {"name": unit.name, "year": year}
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{name}.{fmt}") or "attachment"
    )
    return response


def _page(request: AuthedHttpRequest, report: Report) -> HttpResponse:
    this_year = timezone.localdate().year
    return render(
        request,
        "credits/reports/report.html",
        {
            "report": report,
            "years": sorted({*range(this_year - YEARS_SHOWN + 1, this_year + 1), report.year}),
            "charts_json": {chart.chart_id: chart.as_json() for chart in report.charts},
            "categories": Category.choices,
        },
    )


def _export_format(request: AuthedHttpRequest) -> str | None:
    """?format=xlsx|csv asks for the report's rows as a spreadsheet instead of the page."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in WRITE_FORMATS else None


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """Open the widest report the user may read: region, else zone, else school."""
    scope = scope_of(request.user)
    if not scope.read_paths and not scope.is_superuser:
        raise PermissionDenied
    year = year_param(request)
    region = Region.objects.filter(pk__in=scope.region_ids).order_by("pk").first()
    if region is not None and request.user.has_perm("orgs.view_org_reports", region):
        return redirect(report_url("region", region.pk, year))
    zone = Zone.objects.visible_to(request.user).order_by("code").first()
    if zone is not None and request.user.has_perm("orgs.view_org_reports", zone):
        return redirect(report_url("zone", zone.pk, year))
    school = School.objects.visible_to(request.user).order_by("code").first()
    if school is None:
        raise Http404
    return redirect(report_url("school", school.pk, year))


@login_required
def region(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """区县报表: zones and schools, pass rates, failing schools flagged, monthly trend."""
    unit = get_object_or_404(Region, pk=pk)
    _check(request, unit)
    if fmt := _export_format(request):
        return _export(request, unit, fmt)
    return _page(request, region_report(request.user, unit, year_param(request)))


@login_required
def zone(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """片区报表: the zone's schools with their pass rates, failing ones flagged."""
    unit = visible_zone(request.user, pk)
    _check(request, unit)
    if fmt := _export_format(request):
        return _export(request, unit, fmt)
    return _page(request, zone_report(request.user, unit, year_param(request)))


@login_required
def school(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """学校报表: each teacher's pass or fail and gaps, progress by category, monthly trend."""
    unit = visible_school(request.user, pk)
    _check(request, unit)
    if fmt := _export_format(request):
        return _export(request, unit, fmt)
    show = request.GET.get("show", "")
    return _page(request, school_report(request.user, unit, year_param(request), show=show))
