"""Pages for transcripts and certificates: download as PDF, and the public verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yanxiu.certificates import documents
from yanxiu.certificates.models import DocumentKind, IssuedDocument
from yanxiu.certificates.services import (
    DocumentRefused,
    issue_document,
    normalize_code,
    replacement_of,
    revoke_document,
    valid_document,
)
from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import year_problem
from yanxiu.credits.selectors import teacher_status
from yanxiu.orgs.models import School, Teacher
from yanxiu.orgs.scoping import scope_of

# How many past years a teacher's page offers documents for.
YEARS_OFFERED = 3
PAGE_SIZE = 50


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what the paper with this code says, or that the code is not valid."""
    document = valid_document(code)
    return render(
        request,
        "certificates/verify.html",
        {
            "document": document,
            "facts": documents.shown_facts(document) if document else None,
            "replaced_by": replacement_of(document) if document else None,
            "code": code,
        },
        status=200 if document else 404,
    )


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """Public: type a code printed on a transcript or certificate."""
    raw = request.GET.get("code", "")
    if raw:
        code = normalize_code(raw)
        if code:
            return redirect("certificates:verify", code=code)
    return render(request, "certificates/verify_form.html", {"code": raw, "malformed": bool(raw)})


@login_required
def my_documents(request: AuthedHttpRequest) -> HttpResponse:
    """A teacher's own transcripts and certificates: each recent year's result and downloads."""
    teacher_id = scope_of(request.user).teacher_id
    if teacher_id is None:
        raise Http404
    teacher = get_object_or_404(Teacher, pk=teacher_id)
    this_year = timezone.localdate().year
    years = range(this_year, this_year - YEARS_OFFERED, -1)
    issued = IssuedDocument.objects.filter(teacher=teacher)
    return render(
        request,
        "certificates/mine.html",
        {
            "teacher": teacher,
            "statuses": [teacher_status(teacher, year) for year in years],
            "issued": issued[:20],
        },
    )


@login_required
def issued(request: AuthedHttpRequest) -> HttpResponse:
    """已出具证明: the documents issued to teachers in scope, by teacher name or code."""
    if not scope_of(request.user).read_paths and not request.user.is_superuser:
        raise PermissionDenied
    documents = IssuedDocument.objects.visible_to(request.user).select_related(
        "teacher", "teacher__school", "issued_by"
    )
    query = request.GET.get("q", "").strip()
    if query:
        code = normalize_code(query)
        documents = (
            documents.filter(code=code) if code else documents.filter(teacher__name__contains=query)
        )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/issued.html",
        {
            "page": page,
            "q": query,
            "can_revoke": request.user.has_perm("certificates.revoke_document"),
        },
    )


@login_required
@require_POST
def revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        IssuedDocument.objects.visible_to(request.user).select_related("teacher"), pk=pk
    )
    if not request.user.has_perm("certificates.revoke_document", document):
        raise PermissionDenied
    try:
        revoke_document(document, reason=request.POST.get("reason", ""))
    except DocumentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("已作废，验证码 %(code)s 不再有效") % {"code": document.display_code}
        )
    return redirect("certificates:issued")


@login_required
def download(request: AuthedHttpRequest, teacher_id: int, year: int, kind: str) -> HttpResponse:
    """The PDF of a teacher's transcript or certificate, recorded with its verification code."""
    if kind not in DocumentKind.values:
        raise Http404
    teacher = get_object_or_404(
        Teacher.objects.visible_to(request.user).select_related("school", "region"), pk=teacher_id
    )
    if not request.user.has_perm("certificates.issue_document", teacher):
        raise PermissionDenied
    try:
        document = issue_document(teacher=teacher, year=year, kind=kind, by=request.user)
    except DocumentRefused as refused:
        return render(
            request, "certificates/refused.html", {"message": str(refused)}, status=refused.status
        )
    pdf = documents.render_pdf(document, request.build_absolute_uri)
    return _attachment(pdf, "application/pdf", documents.filename(document))


@login_required
def school_certificates(request: AuthedHttpRequest, school_id: int, year: int) -> HttpResponse:
    """A zip of the certificates of every teacher of a school who passed the year."""
    if year_problem(year) is not None:
        raise Http404
    school = get_object_or_404(School.objects.visible_to(request.user), pk=school_id)
    if not request.user.has_perm("orgs.view_org_reports", school):
        raise PermissionDenied
    teachers = Teacher.objects.filter(school=school, is_active=True).select_related(
        "school", "region"
    )
    issued = []
    for teacher in teachers.order_by("name", "pk"):
        try:
            issued.append(
                issue_document(
                    teacher=teacher, year=year, kind=DocumentKind.CERTIFICATE, by=request.user
                )
            )
        except DocumentRefused:
            continue
    archive = documents.zip_of(issued, request.build_absolute_uri)
    name = _("%(school)s-%(year)s-合格证书") % {"school": school.name, "year": year}
    return _attachment(archive, "application/zip", f"{name}.zip")
