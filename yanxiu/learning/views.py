"""Online study pages: my courses, a course's units, a unit to study, content authoring,
the course discussion, the monthly participation record, the end-of-period verification
and the region's study-time limits."""

from __future__ import annotations

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.audit import latest_changes
from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import id_param, year_param
from yanxiu.core.uploads_serving import serve_upload
from yanxiu.credits.selectors import policy_region, region_of
from yanxiu.imports.tables import write_table
from yanxiu.learning import passes, selectors, services
from yanxiu.learning.forms import QuestionForm, ReplyForm, StudyLimitsForm, ThreadForm, UnitForm
from yanxiu.learning.judge import HEARTBEAT_SECONDS, Reason
from yanxiu.learning.models import (
    READING_KINDS,
    CourseUnit,
    Reply,
    StudyLimits,
    Thread,
    UnitProgress,
)
from yanxiu.orgs.models import School, SchoolKind, Teacher
from yanxiu.training.models import Course, CourseFormat

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _teacher(request: AuthedHttpRequest) -> Teacher | None:
    return Teacher.objects.filter(user=request.user).first()


def _online_course(request: AuthedHttpRequest, pk: int) -> Course:
    return get_object_or_404(
        Course.objects.visible_to(request.user).filter(format=CourseFormat.ONLINE), pk=pk
    )


def _unit(request: AuthedHttpRequest, pk: int) -> CourseUnit:
    return get_object_or_404(
        CourseUnit.objects.visible_to(request.user).select_related("course"), pk=pk
    )


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    teacher = _teacher(request)
    return render(
        request,
        "learning/home.html",
        {
            "my_courses": selectors.my_online_courses(teacher) if teacher else None,
            "authored": selectors.authored_courses(request.user)
            if request.user.has_perm("learning.author_course")
            else None,
        },
    )


@login_required
def course_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = _online_course(request, pk)
    teacher = _teacher(request)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "rows": selectors.course_units(course, request.user, teacher),
            "completion": selectors.completion_of(course, teacher),
            "can_author": request.user.has_perm("learning.author_course", course),
        },
    )


@login_required
def unit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    teacher = _teacher(request)
    studying = teacher is not None and request.user.has_perm("learning.study_unit", unit)
    progress: UnitProgress | None = None
    if studying and teacher is not None:
        if unit.kind in READING_KINDS:
            progress = services.mark_viewed(teacher, unit)
        else:
            progress = UnitProgress.objects.filter(teacher=teacher, unit=unit).first()
    return render(
        request,
        "learning/unit_detail.html",
        {
            "unit": unit,
            "studying": studying,
            "progress": progress,
            "questions": unit.questions.prefetch_related("choices"),
            "attempts_left": selectors.quiz_attempts_left(teacher, unit)
            if studying and teacher is not None
            else None,
            "heartbeat_ms": HEARTBEAT_SECONDS * 1000,
            "study_pass": passes.issue(teacher) if studying and teacher is not None else "",
            "reason_labels": {"": _("正在计时"), **{r.value: r.label for r in Reason}},
            "can_author": request.user.has_perm("learning.author_course", unit.course),
            "opens_media": request.user.has_perm("learning.read_unit_media", unit),
        },
    )


@login_required
def unit_media(request: AuthedHttpRequest, pk: int, field: str) -> HttpResponseBase:
    """A unit's video or document, to admitted learners and the course's staff (404 to others,
    as for a unit out of scope)."""
    unit = _unit(request, pk)
    if not request.user.has_perm("learning.read_unit_media", unit):
        raise Http404
    return serve_upload(request, getattr(unit, field), display_name=getattr(unit, f"{field}_name"))


@login_required
@require_POST
def quiz_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    teacher = _teacher(request)
    if teacher is None or not request.user.has_perm("learning.study_unit", unit):
        raise PermissionDenied
    answers = {}
    for q in unit.questions.values_list("pk", flat=True):
        # ASCII only: str.isdigit() also accepts "²", which int() refuses.
        choice = request.POST.get(f"q{q}", "")
        if choice.isascii() and choice.isdigit():
            answers[q] = int(choice)
    try:
        attempt = services.submit_quiz(teacher, unit, answers)
    except services.LearningError as exc:
        messages.error(request, str(exc))
        return redirect("learning:unit_detail", pk=unit.pk)
    if attempt.passed:
        messages.success(request, _("测验通过，得分 %(s)d。") % {"s": attempt.score})
    else:
        messages.error(
            request,
            _("得分 %(s)d，未达到及格分 %(p)d，请再试一次。")
            % {"s": attempt.score, "p": unit.pass_mark},
        )
    return redirect("learning:unit_detail", pk=unit.pk)


@login_required
def unit_edit(request: AuthedHttpRequest, course_pk: int, pk: int | None = None) -> HttpResponse:
    course = _online_course(request, course_pk)
    if not request.user.has_perm("learning.author_course", course):
        raise PermissionDenied
    unit = get_object_or_404(CourseUnit, pk=pk, course=course) if pk else None
    form = UnitForm(request.POST or None, request.FILES or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        saved = services.save_unit(form.save(commit=False), course=course, by=request.user)
        messages.success(request, _("单元已保存。"))
        return redirect("learning:unit_detail", pk=saved.pk)
    return render(request, "learning/unit_form.html", {"course": course, "form": form})


@login_required
def question_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    if not request.user.has_perm("learning.author_course", unit.course):
        raise PermissionDenied
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_question(unit, form.cleaned_data["text"], form.choices())
        messages.success(request, _("题目已添加。"))
        return redirect("learning:unit_detail", pk=unit.pk)
    return render(request, "learning/question_form.html", {"unit": unit, "form": form})


def _month(raw: str | None) -> datetime.date:
    try:
        # Only the calendar month is kept, so the parsed value needs no time zone.
        return datetime.datetime.strptime(raw or "", "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def participation(request: AuthedHttpRequest) -> HttpResponse:
    """按月参学记载: each teacher's online study this month and so far, on pace or not."""
    schools = (
        School.objects.visible_to(request.user).filter(kind=SchoolKind.SCHOOL).order_by("code")
    )
    chosen = id_param(request, "school")
    school = schools.first() if chosen is None else get_object_or_404(schools, pk=chosen)
    if school is None or not request.user.has_perm("orgs.view_org_reports", school):
        raise PermissionDenied
    record = selectors.monthly_record(school, _month(request.GET.get("month")))
    if request.GET.get("format") == "xlsx":
        return _record_xlsx(record)
    return render(
        request,
        "learning/participation.html",
        {
            "record": record,
            "schools": schools,
            "most": max((r.month_hours for r in record.rows), default=0),
            "charts": {"participation": {"option": _record_chart(record), "links": []}},
        },
    )


def _record_chart(record: selectors.MonthlyRecord) -> dict[str, object]:
    """An ECharts option: each teacher's hours this month and so far, against the pace."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "grid": {"left": 40, "right": 16, "bottom": 60},
        "xAxis": {
            "type": "category",
            "data": [r.name for r in record.rows],
            "axisLabel": {"rotate": 45},
        },
        "yAxis": {"type": "value", "name": _("学时")},
        "series": [
            {
                "name": _("本月学时"),
                "type": "bar",
                "data": [float(r.month_hours) for r in record.rows],
            },
            {
                "name": _("累计学时"),
                "type": "bar",
                "data": [float(r.cumulative_hours) for r in record.rows],
                "markLine": {
                    "symbol": "none",
                    "data": [{"yAxis": float(record.expected), "name": _("应达学时")}],
                },
            },
        ],
    }


def _record_xlsx(record: selectors.MonthlyRecord) -> HttpResponse:
    header = [_("教师"), _("本月学时"), _("累计学时"), _("应达学时"), _("进度")]
    rows = [
        [
            r.name,
            str(r.month_hours),
            str(r.cumulative_hours),
            str(record.expected),
            _("正常") if r.on_track else _("落后"),
        ]
        for r in record.rows
    ]
    out = io.BytesIO()
    write_table(out, "xlsx", header, rows)
    name = f"{record.school.name}-{record.month:%Y-%m}-参学记载.xlsx"
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@login_required
def verification(request: AuthedHttpRequest) -> HttpResponse:
    """核查: who has not finished the period's online study, and which schools fail."""
    region = region_of(request.user)
    if region is None or not request.user.has_perm("orgs.view_org_reports"):
        raise PermissionDenied
    try:
        on = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    result = selectors.verification(request.user, region.pk, on)
    return render(
        request,
        "learning/verification.html",
        {"result": result, "on": on},
    )


@login_required
def study_limits(request: AuthedHttpRequest) -> HttpResponse:
    """网络研修计时规则: the bureau admin sets the region's study limits (defaults until saved)."""
    region = policy_region(request.user)
    limits = StudyLimits.objects.filter(region=region).first() or StudyLimits(region=region)
    form = StudyLimitsForm(request.POST or None, instance=limits)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("网络研修计时规则已保存"))
        return redirect("learning:study_limits")
    return render(
        request,
        "learning/study_limits.html",
        {"form": form, "region": region, "history": latest_changes(limits, limit=10)},
    )


SESSION_PAGE_SIZE = 50


@login_required
def session_list(request: AuthedHttpRequest) -> HttpResponse:
    """学习记录: every saved study session, its counted seconds and why the rest did not count."""
    chosen = id_param(request, "teacher")
    sessions = selectors.study_session_list(request.user, teacher_id=chosen)
    page = Paginator(sessions, SESSION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/session_list.html", {"page": page, "teacher": chosen or ""})


@login_required
def discussion(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """课程讨论: the course's topics, and a form to open one."""
    course = _online_course(request, pk)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(course, by=request.user, **form.cleaned_data)
        except services.LearningError as exc:
            raise PermissionDenied(str(exc)) from exc
        return redirect("learning:thread", pk=thread.pk)
    return render(
        request,
        "learning/discussion.html",
        {
            "course": course,
            "threads": selectors.course_threads(course, request.user),
            "form": form,
            "can_post": request.user.has_perm("learning.discuss_course", course),
        },
    )


def _thread(request: AuthedHttpRequest, pk: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("course", "author"), pk=pk)
    _online_course(request, thread.course_id)
    moderator = request.user.has_perm("learning.moderate_course", thread.course)
    if thread.is_hidden and not moderator:
        raise Http404
    return thread


@login_required
def thread_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_to(thread, by=request.user, body=form.cleaned_data["body"])
        except services.LearningError as exc:
            raise PermissionDenied(str(exc)) from exc
        return redirect("learning:thread", pk=thread.pk)
    return render(
        request,
        "learning/thread.html",
        {
            "thread": thread,
            "replies": selectors.thread_replies(thread, request.user),
            "form": form,
            "can_post": not thread.is_hidden
            and request.user.has_perm("learning.discuss_course", thread.course),
            "can_moderate": request.user.has_perm("learning.moderate_course", thread.course),
        },
    )


MODERATION = {
    "pin": {"pinned": True},
    "unpin": {"pinned": False},
    "hide": {"hidden": True},
    "show": {"hidden": False},
}


@login_required
@require_POST
def thread_moderate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    action = MODERATION.get(request.POST.get("action", ""))
    if action is None:
        return redirect("learning:thread", pk=thread.pk)
    try:
        services.moderate_thread(thread, by=request.user, **action)
    except services.LearningError as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("learning:thread", pk=thread.pk)


@login_required
@require_POST
def reply_hide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(Reply.objects.select_related("thread__course"), pk=pk)
    thread = _thread(request, reply.thread_id)
    try:
        services.hide_reply(reply, by=request.user, hidden=request.POST.get("hidden") != "0")
    except services.LearningError as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("learning:thread", pk=thread.pk)


@login_required
def studio(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """个人电子工作室: a teacher's own page, or a colleague's the user may see."""
    teachers = Teacher.objects.visible_to(request.user).select_related("school")
    if pk is None:
        teacher = get_object_or_404(teachers, user=request.user)
    else:
        teacher = get_object_or_404(teachers, pk=pk)
    page = selectors.studio(teacher, request.user, year_param(request))
    return render(request, "learning/studio.html", {"studio": page})
