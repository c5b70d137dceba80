"""What every import's pages share: the error workbook as a download."""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from yanxiu.imports.engine import write_error_report
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
