"""学时批量导入: upload → preview with a row-by-row report → commit; the template file."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.uploads_serving import serve_upload
from yanxiu.credit_imports.importer import CreditImport, write_template
from yanxiu.imports.engine import (
    ImportFailed,
    commit_import,
    error_page,
    preview_import,
)
from yanxiu.imports.forms import TableUploadForm
from yanxiu.imports.models import ImportJobQuerySet
from yanxiu.imports.tables import CONTENT_TYPES, WRITE_FORMATS
from yanxiu.imports.views import error_workbook
from yanxiu.orgs.sheets import import_job_list

RECENT_JOBS = 10


def _require_certifier(request: AuthedHttpRequest) -> None:
    if not request.user.has_perm("credits.certify_entry"):
        raise PermissionDenied(_("只有培训中心和教育局可以批量导入学时"))


def _jobs(request: AuthedHttpRequest) -> ImportJobQuerySet:
    return import_job_list(request.user, kind=CreditImport.kind)


def _download(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{name}.{fmt}") or "attachment"
    )
    return response


@login_required
def import_page(request: AuthedHttpRequest) -> HttpResponse:
    _require_certifier(request)
    form = TableUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = preview_import(
            CreditImport(by=request.user), form.cleaned_data["file"], by=request.user
        )
        return redirect("credit_imports:job", pk=job.pk)
    jobs = _jobs(request).select_related("created_by").defer("report")[:RECENT_JOBS]
    return render(request, "credit_imports/import.html", {"form": form, "jobs": jobs})


@login_required
def job_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_certifier(request)
    job = get_object_or_404(_jobs(request), pk=pk)
    return render(
        request,
        "credit_imports/job.html",
        {"job": job, "errors": error_page(job, request.GET.get("page"))},
    )


@login_required
@require_POST
def commit_job(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_certifier(request)
    job = get_object_or_404(_jobs(request), pk=pk)
    try:
        commit_import(job, CreditImport(by=request.user))
    except ImportFailed as exc:
        messages.error(request, str(exc))
    return redirect("credit_imports:job", pk=job.pk)


@login_required
def error_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_certifier(request)
    job = get_object_or_404(_jobs(request).exclude(file=""), pk=pk)
    return error_workbook(job, _("学时导入错误报告"))


@login_required
def job_file(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """The uploaded credit table: whoever ran the import and those who may run credit
    imports where it was run; 404 to everyone else."""
    job = get_object_or_404(_jobs(request), pk=pk)
    if not request.user.has_perm("credit_imports.read_import_file", job):
        raise Http404
    return serve_upload(request, job.file, display_name=job.original_name)


@login_required
def template(request: AuthedHttpRequest) -> HttpResponse:
    _require_certifier(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in WRITE_FORMATS:
        return HttpResponseBadRequest(_("格式只能是 xlsx 或 csv"))
    out = io.BytesIO()
    write_template(out, fmt)
    return _download(out.getvalue(), _("学时导入模板"), fmt)
