"""What every import's pages share: the preview page and the error workbook as a download."""

from __future__ import annotations

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django_stubs_ext import StrOrPromise

from yanxiu.imports.engine import error_page, write_error_report
from yanxiu.imports.models import ImportJob
from yanxiu.imports.tables import CONTENT_TYPES


def error_workbook(job: ImportJob, name: str) -> HttpResponse:
    """The job's rejected rows as uploaded plus what is wrong, as ``name``.xlsx.

    404 once the retention period has deleted the uploaded file.
    """
    if not job.has_file:
        raise Http404
    out = io.BytesIO()
    write_error_report(job, out)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{name}.xlsx") or "attachment"
    )
    return response


def job_page(
    request: HttpRequest,
    job: ImportJob,
    *,
    title: StrOrPromise,
    back_url: str,
    commit_url: str,
    errors_url: str,
) -> HttpResponse:
    """A job's preview (each row's match or error, a page of errors at a time) or its result,
    with the buttons to commit it, download its errors and go back."""
    return render(
        request,
        "imports/job_page.html",
        {
            "title": title,
            "job": job,
            "errors": error_page(job, request.GET.get("page")),
            "back_url": back_url,
            "commit_url": commit_url,
            "errors_url": errors_url,
        },
    )
