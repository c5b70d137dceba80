"""Project pages for each role: thin views that parse a form, call a service, render.

School admins write the plan and applications, record activities and submit
evidence; center staff review, evaluate and certify; teachers see their
projects, attendance and credits; bureau admins see the year's overview.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import id_param, year_param
from yanxiu.core.uploads_serving import serve_upload
from yanxiu.credits.models import CreditEntry
from yanxiu.imports.engine import ImportFailed
from yanxiu.imports.models import ImportJob
from yanxiu.imports.tables import write_table
from yanxiu.imports.views import error_workbook, job_page
from yanxiu.orgs.models import Region, School, User
from yanxiu.orgs.scoping import scope_of
from yanxiu.projects import attendance_import, forms, selectors, services
from yanxiu.projects.models import (
    RUNNING_STATES,
    ActivityType,
    DesignatedContent,
    FilePurpose,
    ProjectActivity,
    ProjectState,
    SchoolPlan,
    SchoolProject,
)

PAGE_SIZE = 50


def _attempt(request: AuthedHttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its refusal as an error message instead of failing the page."""
    try:
        action()
    except services.ProjectError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _own_school(request: AuthedHttpRequest) -> School:
    """The school a school admin acts for (the first, if they run several)."""
    scope = scope_of(request.user)
    school = (
        School.objects.visible_to(request.user)
        .filter(org_path__in=scope.manage_paths)
        .order_by("code")
        .first()
    )
    if school is None or not request.user.has_perm("projects.change_project", school):
        raise PermissionDenied(_("只有学校管理员可以进行此操作。"))
    return school


# Lists


@login_required
def project_list(request: AuthedHttpRequest) -> HttpResponse:
    year = year_param(request)
    projects = selectors.project_list(request.user, year=year)
    state = request.GET.get("state", "")
    if state in ProjectState.values:
        projects = projects.filter(state=state)
    query = request.GET.get("q", "").strip()
    if query:
        projects = projects.filter(Q(theme__contains=query) | Q(school__name__contains=query))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year,
        "state": state,
        "q": query,
        "states": ProjectState.choices,
        "can_apply": request.user.has_perm("projects.change_project", None),
    }
    return render(request, "projects/project_list.html", context)


@login_required
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.review_project", None):
        raise PermissionDenied(_("只有培训中心可以审核项目。"))
    return render(
        request, "projects/review_queue.html", {"projects": selectors.review_queue(request.user)}
    )


@login_required
def my_projects(request: AuthedHttpRequest) -> HttpResponse:
    """A teacher's projects, attendance at each activity, and the credits projects gave them."""
    teacher_id = scope_of(request.user).teacher_id
    if teacher_id is None:
        raise PermissionDenied(_("只有教师才有“我的研训”。"))
    projects = (
        SchoolProject.objects.visible_to(request.user)
        .filter(participants=teacher_id)
        .select_related("school")
        .order_by("-year", "starts_on")
    )
    entries = CreditEntry.objects.visible_to(request.user).filter(
        teacher_id=teacher_id, source_id__in=projects.values("pk")
    )
    context = {
        "projects": projects,
        "attendance": selectors.activities_of_teacher(request.user),
        "entries": entries.filter(
            source_type__app_label="projects", source_type__model="schoolproject"
        ).order_by("-certified_at"),
    }
    return render(request, "projects/my_projects.html", context)


@login_required
def overview(request: AuthedHttpRequest) -> HttpResponse | FileResponse:
    if not request.user.has_perm("projects.view_overview", None):
        raise PermissionDenied(_("只有教育局、培训中心或片区负责人可以查看总览。"))
    overview = selectors.overview(request.user, year_param(request))
    fmt = request.GET.get("format", "")
    if fmt in {"xlsx", "csv"}:
        out = io.BytesIO()
        write_table(out, fmt, selectors.OVERVIEW_HEADER, selectors.overview_rows(overview))
        out.seek(0)
        filename = _("%(year)s年度校本研训总览") % {"year": overview.year}
        return FileResponse(out, as_attachment=True, filename=f"{filename}.{fmt}")
    can_set_window = request.user.has_perm("projects.change_plan_window", None)
    return render(
        request,
        "projects/overview.html",
        {"overview": overview, "can_set_window": can_set_window},
    )


# The yearly plan and its window


@login_required
def school_plan(request: AuthedHttpRequest) -> HttpResponse:
    """The school admin's plan for the year: draft it, then submit it with the principal's word."""
    school = _own_school(request)
    year = year_param(request)
    plan = SchoolPlan.objects.filter(school=school, year=year).first()
    window = selectors.plan_window(school.region, year)
    today = timezone.localdate()
    form = forms.SchoolPlanForm(request.POST or None, instance=plan)
    submit_form = forms.PlanSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_form.is_valid():
        saved = _attempt(
            request,
            lambda: services.save_school_plan(
                school, year, by=request.user, data=form.cleaned_data
            ),
            _("计划已保存。"),
        )
        if saved and "submit" in request.POST:
            saved_plan = SchoolPlan.objects.get(school=school, year=year)
            _attempt(
                request,
                lambda: services.submit_school_plan(
                    saved_plan,
                    by=request.user,
                    principal_confirmed=submit_form.cleaned_data["principal_confirmed"],
                ),
                _("计划已提交培训中心。"),
            )
        return redirect(f"{request.path}?year={year}")
    context = {
        "school": school,
        "year": year,
        "plan": plan,
        "form": form,
        "submit_form": submit_form,
        "window": window,
        "window_state": "open"
        if window.is_open(today)
        else ("closed" if today > window.closes_on else "not_open"),
    }
    return render(request, "projects/school_plan.html", context)


@login_required
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        SchoolPlan.objects.visible_to(request.user).select_related("school"), pk=pk
    )
    return render(request, "projects/plan_detail.html", {"plan": plan})


@login_required
def plan_window(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    region = Region.objects.filter(pk__in=scope.region_ids).first()
    if region is None or not request.user.has_perm("projects.change_plan_window", region):
        raise PermissionDenied(_("只有教育局或培训中心可以设置申报时间。"))
    year = year_param(request)
    window = selectors.plan_window(region, year)
    form = forms.PlanWindowForm(
        request.POST or None,
        initial={"year": year, "opens_on": window.opens_on, "closes_on": window.closes_on},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.set_plan_window(
                region,
                data["year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                by=request.user,
            ),
            _("申报时间已保存。"),
        ):
            return redirect(f"{request.path}?year={data['year']}")
    return render(
        request, "projects/plan_window.html", {"form": form, "window": window, "year": year}
    )


# Applications


@login_required
def project_create(request: AuthedHttpRequest) -> HttpResponse:
    school = _own_school(request)
    form = forms.ApplicationForm(
        request.POST or None, school=school, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.save_application(
                None,
                school=school,
                by=request.user,
                data=form.cleaned_data,
                participants=form.chosen_participants(school),
            )
        except services.ProjectError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("申报草稿已保存，确认无误后请提交。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.visible_project(request.user, pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied(_("只有本校管理员可以修改本校项目。"))
    form = forms.ApplicationForm(request.POST or None, instance=project, school=project.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_application(
                project,
                school=project.school,
                by=request.user,
                data=form.cleaned_data,
                participants=form.chosen_participants(project.school),
            )
        except services.ProjectError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("申报内容已保存。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.visible_project(request.user, pk)
    user = request.user
    runs_school = user.has_perm("projects.change_project", project)
    is_center = user.has_perm("projects.review_project", project)
    activities = project.activities.annotate(
        expected=Count("attendance"),
        present=Count("attendance", filter=Q(attendance__attended=True)),
    ).select_related("organizer")
    excluded = selectors.excluded_activity_types(project.school.region_id, project.year)
    context = {
        "project": project,
        "runs_school": runs_school,
        "is_center": is_center,
        "activities": activities,
        "excluded": excluded,
        "participants": project.participants.order_by("name", "pk"),
        "credits": selectors.participant_credits(project) if runs_school or is_center else {},
        "events": project.events.select_related("by"),
        "revisions": project.revisions.select_related("submitted_by"),
        "evidence_files": project.files.filter(purpose=FilePurpose.EVIDENCE),
        "review_form": forms.ReviewForm(),
        "evidence_form": forms.EvidenceForm(),
        "certify_form": forms.CertifyForm(),
    }
    return render(request, "projects/project_detail.html", context)


@login_required
@require_POST
def project_submit(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    project = selectors.visible_project(request.user, pk)
    if project.state == ProjectState.RETURNED:
        _attempt(
            request,
            lambda: services.resubmit_project(project, by=request.user),
            _("已重新提交培训中心审核。"),
        )
    else:
        _attempt(
            request,
            lambda: services.submit_project(project, by=request.user),
            _("已提交培训中心审核。"),
        )
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def project_start(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    project = selectors.visible_project(request.user, pk)
    _attempt(
        request, lambda: services.start_project(project, by=request.user), _("项目已开始实施。")
    )
    return redirect("projects:detail", pk=pk)


REVIEW_ACTIONS: dict[str, tuple[Callable[..., SchoolProject], StrOrPromise]] = {
    "approve": (services.approve_project, gettext_lazy("项目已核准。")),
    "return": (services.return_project, gettext_lazy("项目已退回学校修改。")),
    "reject": (services.reject_project, gettext_lazy("已作出不通过的决定。")),
}


@login_required
@require_POST
def project_review(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    project = selectors.visible_project(request.user, pk)
    form = forms.ReviewForm(request.POST)
    action = request.POST.get("action", "")
    if action not in REVIEW_ACTIONS or not form.is_valid():
        messages.error(request, _("请选择审核结果。"))
        return redirect("projects:detail", pk=pk)
    service, done = REVIEW_ACTIONS[action]
    _attempt(
        request,
        lambda: service(project, by=request.user, comment=form.cleaned_data["comment"]),
        str(done),
    )
    return redirect("projects:detail", pk=pk)


@login_required
def revision_compare(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.visible_project(request.user, pk)
    revisions = list(project.revisions.select_related("submitted_by"))
    if len(revisions) < 2:
        messages.error(request, _("至少需要两个申报版本才能比较。"))
        return redirect("projects:detail", pk=pk)
    by_number = {r.number: r for r in revisions}
    old = by_number.get(id_param(request, "a") or revisions[-2].number, revisions[-2])
    new = by_number.get(id_param(request, "b") or revisions[-1].number, revisions[-1])
    context = {
        "project": project,
        "revisions": revisions,
        "old": old,
        "new": new,
        "changes": selectors.revision_diff(old, new),
    }
    return render(request, "projects/revision_compare.html", context)


# Activities, evidence, certification


@login_required
def activity_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.visible_project(request.user, pk)
    if not request.user.has_perm("projects.record_activity", project):
        raise PermissionDenied(_("只有本校管理员可以记录本校项目的活动。"))
    form = forms.ActivityForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.record_activity(
                project,
                by=request.user,
                data=form.cleaned_data,
                participants=form.cleaned_data["participants"],
                attended=form.cleaned_data["attended"],
            )
            _keep_materials(activity, form.cleaned_data["materials"], by=request.user)
        except services.ProjectError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("活动已记录。"))
            notice = selectors.exclusion_notice(project, activity.activity_type)
            if notice:
                messages.warning(request, notice)
            return redirect("projects:activity", pk=activity.pk)
    excluded = selectors.excluded_activity_types(project.school.region_id, project.year)
    context = {"form": form, "project": project, "excluded_labels": _type_labels(excluded)}
    return render(request, "projects/activity_form.html", context)


@login_required
def type_notice(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The HTMX fragment under the activity type: whether this type will earn credit."""
    project = selectors.visible_project(request.user, pk)
    notice = selectors.exclusion_notice(project, request.GET.get("activity_type", ""))
    return render(request, "projects/_type_notice.html", {"notice": notice})


def _keep_materials(activity: ProjectActivity, uploads: list[UploadedFile], *, by: User) -> None:
    for upload in uploads:
        services.add_file(
            activity.project, upload, by=by, purpose=FilePurpose.MATERIAL, activity=activity
        )


def _type_labels(types: frozenset[str]) -> str:
    return "、".join(str(ActivityType(t).label) for t in sorted(types) if t in ActivityType.values)


@login_required
def activity_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        ProjectActivity.objects.visible_to(request.user).select_related(
            "project", "project__school", "organizer"
        ),
        pk=pk,
    )
    project = activity.project
    can_record = request.user.has_perm("projects.record_activity", project)
    attendance_form = forms.AttendanceForm(
        request.POST if "attendance" in request.POST else None, activity=activity
    )
    material_form = forms.MaterialForm(
        request.POST if "upload" in request.POST else None, request.FILES or None
    )
    sheet_form = forms.SignInSheetForm(
        request.POST if "import" in request.POST else None, request.FILES or None
    )
    if request.method == "POST" and can_record:
        if "attendance" in request.POST and attendance_form.is_valid():
            _attempt(
                request,
                lambda: services.mark_attendance(
                    activity, by=request.user, attended=attendance_form.cleaned_data["attended"]
                ),
                _("考勤已保存。"),
            )
            return redirect("projects:activity", pk=pk)
        if "import" in request.POST and sheet_form.is_valid():
            try:
                job = attendance_import.preview_activity_sheet(
                    activity, sheet_form.cleaned_data["sheet"], by=request.user
                )
            except services.ProjectError as exc:
                messages.error(request, str(exc))
                return redirect("projects:activity", pk=pk)
            return redirect("projects:sheet_job", pk, job.pk)
        if "upload" in request.POST and material_form.is_valid():
            uploads = material_form.cleaned_data["materials"]
            _attempt(
                request,
                lambda: _keep_materials(activity, uploads, by=request.user),
                _("资料已上传。"),
            )
            return redirect("projects:activity", pk=pk)
        # A refused form (a file type not allowed, say) is shown again with its errors.
    excluded = selectors.excluded_activity_types(project.school.region_id, project.year)
    context = {
        "activity": activity,
        "project": project,
        "can_record": can_record and project.state in RUNNING_STATES,
        "notice": selectors.exclusion_notice(project, activity.activity_type),
        "is_excluded": activity.activity_type in excluded,
        "attendance": activity.attendance.select_related("teacher").order_by("teacher__name"),
        "files": activity.files.all(),
        "attendance_form": attendance_form,
        "material_form": material_form,
        "sheet_form": sheet_form,
    }
    return render(request, "projects/activity_detail.html", context)


def _activity(request: AuthedHttpRequest, pk: int) -> ProjectActivity:
    return get_object_or_404(
        ProjectActivity.objects.visible_to(request.user).select_related("project"), pk=pk
    )


def _sheet_job(
    request: AuthedHttpRequest, pk: int, job_pk: int
) -> tuple[ProjectActivity, ImportJob]:
    activity = _activity(request, pk)
    jobs = attendance_import.sheet_jobs(activity, request.user)
    return activity, get_object_or_404(jobs, pk=job_pk)


@login_required
def sheet_job(request: AuthedHttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """An activity sign-in sheet's preview (each row's participant or error) or its result."""
    activity, job = _sheet_job(request, pk, job_pk)
    return job_page(
        request,
        job,
        title=_("导入签到表"),
        back_url=reverse("projects:activity", args=[activity.pk]),
        commit_url=reverse("projects:sheet_commit", args=[activity.pk, job.pk]),
        errors_url=reverse("projects:sheet_errors", args=[activity.pk, job.pk]),
    )


@login_required
@require_POST
def sheet_commit(request: AuthedHttpRequest, pk: int, job_pk: int) -> HttpResponse:
    activity, job = _sheet_job(request, pk, job_pk)
    try:
        attendance_import.commit_activity_sheet(activity, job, by=request.user)
    except (ImportFailed, services.ProjectError) as exc:
        messages.error(request, str(exc))
    else:
        attended = activity.attendance.filter(attended=True).count()
        messages.success(request, _("签到表已导入，%(n)s 人出勤。") % {"n": attended})
    return redirect("projects:sheet_job", pk, job.pk)


@login_required
def sheet_errors(request: AuthedHttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """The rejected rows as uploaded, with what is wrong, to correct and upload again."""
    job = _sheet_job(request, pk, job_pk)[1]
    return error_workbook(job, _("签到表错误报告"))


@login_required
@require_POST
def evidence_submit(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    project = selectors.visible_project(request.user, pk)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        refused_files = form.errors.get("evidence_files")
        messages.error(
            request,
            " ".join(str(e) for e in refused_files) if refused_files else _("请填写实施总结。"),
        )
    else:
        _attempt(
            request,
            lambda: services.submit_evidence(
                project,
                by=request.user,
                summary=form.cleaned_data["summary"],
                files=form.cleaned_data["evidence_files"],
            ),
            _("实施材料已提交培训中心。"),
        )
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def project_certify(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    project = selectors.visible_project(request.user, pk)
    form = forms.CertifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择评估等级。"))
        return redirect("projects:detail", pk=pk)
    try:
        entries = services.certify_project(project, by=request.user, **form.cleaned_data)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("项目已认定，%(n)s 位教师的学分已记入学分档案。") % {"n": len(entries)},
        )
    return redirect("projects:detail", pk=pk)


# Designated content


@login_required
def designated_list(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.assign_designated", None):
        raise PermissionDenied(_("只有培训中心可以下达指定培训内容。"))
    scope = scope_of(request.user)
    region = Region.objects.filter(pk__in=scope.region_ids).first()
    schools = School.objects.visible_to(request.user)
    form = forms.DesignatedContentForm(
        request.POST or None, schools=schools, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid() and region is not None:
        content = form.save(commit=False)
        content.region = region
        content.created_by = request.user
        content.save()
        # form.fields is typed as plain Fields; "schools" is a ModelMultipleChoiceField.
        targets = form.cleaned_data["schools"] or form.fields["schools"].queryset  # type: ignore[attr-defined]
        _attempt(
            request,
            lambda: services.assign_designated(content, targets, by=request.user),
            _("指定培训内容已下达。"),
        )
        return redirect("projects:designated")
    contents = (
        DesignatedContent.objects.visible_to(request.user)
        .annotate(school_count=Count("projects"))
        .order_by("-year", "title")
    )
    return render(request, "projects/designated_list.html", {"form": form, "contents": contents})


@login_required
def project_file(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """A project's evidence or an activity's material, to whoever may read the project."""
    kept = selectors.visible_project_file(request.user, pk)
    return serve_upload(request, kept.file, display_name=kept.name)
