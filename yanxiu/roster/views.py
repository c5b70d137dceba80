"""Roster pages: upload → preview with a row-by-row report → commit; export and template.

The preview is an ``ImportJob`` the user can come back to; committing checks the
kept file again, so a preview left open for a day cannot write stale rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.uploads_serving import serve_upload
from yanxiu.imports.engine import (
    ImportFailed,
    commit_import,
    error_page,
    preview_import,
)
from yanxiu.imports.forms import TableUploadForm
from yanxiu.imports.models import ImportJob, ImportJobQuerySet
from yanxiu.imports.tables import CONTENT_TYPES, WRITE_FORMATS
from yanxiu.imports.views import error_workbook
from yanxiu.orgs.sheets import import_job_list
from yanxiu.roster.importer import RosterImport, export_roster, write_template

RECENT_JOBS = 10


def _require_roster_manager(request: AuthedHttpRequest) -> None:
    if not request.user.has_perm("orgs.manage_roster"):
        raise PermissionDenied(_("您没有管理教师名册的权限"))


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _roster_jobs(request: AuthedHttpRequest) -> ImportJobQuerySet:
    return import_job_list(request.user, kind=RosterImport.kind)


def _job_response(request: AuthedHttpRequest, job: ImportJob) -> HttpResponse:
    url = reverse("roster:job", args=[job.pk])
    if not _is_htmx(request):
        return redirect(url)
    response = render(request, "roster/_job.html", {**_job_context(request, job), "partial": True})
    response["HX-Push-Url"] = url
    return response


def _job_context(request: AuthedHttpRequest, job: ImportJob) -> dict[str, object]:
    return {"job": job, "errors": error_page(job, request.GET.get("page"))}


@login_required
def import_page(request: AuthedHttpRequest) -> HttpResponse:
    _require_roster_manager(request)
    form = TableUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            job = preview_import(
                RosterImport(by=request.user), form.cleaned_data["file"], by=request.user
            )
            return _job_response(request, job)
        if _is_htmx(request):
            return render(request, "roster/_upload_errors.html", {"form": form})
    jobs = _roster_jobs(request).select_related("created_by").defer("report")[:RECENT_JOBS]
    return render(request, "roster/import.html", {"form": form, "jobs": jobs})


@login_required
def job_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_roster_manager(request)
    job = get_object_or_404(_roster_jobs(request), pk=pk)
    return render(request, "roster/job.html", _job_context(request, job))


@login_required
@require_POST
def commit_job(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_roster_manager(request)
    job = get_object_or_404(_roster_jobs(request), pk=pk)
    try:
        commit_import(job, RosterImport(by=request.user))
    except ImportFailed as exc:
        messages.error(request, str(exc))
    return _job_response(request, job)


@login_required
def error_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_roster_manager(request)
    job = get_object_or_404(_roster_jobs(request).exclude(file=""), pk=pk)
    return error_workbook(job, _("导入错误报告"))


@login_required
def job_file(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """The uploaded roster file (full ID numbers): whoever ran the import and the roster
    managers of its scope; 404 to everyone else."""
    job = get_object_or_404(_roster_jobs(request), pk=pk)
    if not request.user.has_perm("orgs.read_roster_import_file", job):
        raise Http404
    return serve_upload(request, job.file, display_name=job.original_name)


@login_required
def export(request: AuthedHttpRequest) -> HttpResponseBase:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in WRITE_FORMATS:
        return HttpResponseBadRequest(_("格式只能是 xlsx 或 csv"))
    return _download(_("教师名册"), fmt, lambda out: export_roster(out, fmt, by=request.user))


@login_required
def template(request: AuthedHttpRequest) -> HttpResponseBase:
    _require_roster_manager(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in WRITE_FORMATS:
        return HttpResponseBadRequest(_("格式只能是 xlsx 或 csv"))
    return _download(_("教师名册模板"), fmt, lambda out: write_template(out, fmt))


def _download(name: str, fmt: str, write: Callable[[IO[bytes]], int]) -> FileResponse:
    # A temporary file rather than memory: a region's roster runs to tens of megabytes.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write(out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{name}.{fmt}", content_type=CONTENT_TYPES[fmt]
    )
