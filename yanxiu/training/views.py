"""Training pages: catalog, course detail and enrollment, approvals, sign-in, attendance,
course requests and the calendar. Thin: every decision is in services or selectors."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import id_filter, month_param, year_param, year_problem
from yanxiu.imports.engine import ImportFailed
from yanxiu.imports.models import ImportJob
from yanxiu.imports.views import error_workbook, job_page
from yanxiu.orgs.models import Role, School, Stage, Subject, Teacher
from yanxiu.orgs.scoping import scope_of
from yanxiu.training import codes, selectors, sheet_import
from yanxiu.training.forms import (
    AnswerForm,
    CommentForm,
    CourseForm,
    CourseRequestForm,
    ManualAttendanceForm,
    SessionForm,
    SheetForm,
    SignInForm,
)
from yanxiu.training.models import (
    Course,
    CourseFormat,
    CourseRequest,
    CourseStatus,
    CourseTrack,
    Session,
)
from yanxiu.training.services import TrainingError
from yanxiu.training.services.attendance import mark_attendance
from yanxiu.training.services.catalog import (
    answer_course_request,
    comment_on_course_request,
    publish_course,
    request_course,
)
from yanxiu.training.services.closing import close_course
from yanxiu.training.services.enrollment import (
    approve_enrollment,
    enroll_teacher,
    reject_enrollment,
    withdraw_enrollment,
)
from yanxiu.training.services.sign_in import (
    session_for_code,
    session_for_link,
    sign_in_teacher,
    sign_out_teacher,
)

PAGE_SIZE = 30


def _act(request: AuthedHttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service call; its refusal becomes an error message on the next page."""
    try:
        action()
    except TrainingError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _session(request: AuthedHttpRequest, pk: int) -> Session:
    session = selectors.visible_session(request.user, pk)
    if not request.user.has_perm("training.manage_attendance", session.course):
        raise PermissionDenied
    return session


# ---------------------------------------------------------------- catalog


@login_required
def course_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("format", "track", "stage")}
    filters["subject"] = id_filter(request, "subject")
    query = request.GET.get("q", "").strip()
    courses = selectors.course_list(request.user, query=query, **filters)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/course_list.html",
        {
            "page": page,
            "q": query,
            "filters": filters,
            "formats": CourseFormat.choices,
            "tracks": CourseTrack.choices,
            "stages": Stage.choices,
            "subjects": Subject.objects.all(),
            "can_manage": request.user.has_perm("training.manage_course"),
        },
    )


@login_required
def course_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not request.user.has_perm("training.manage_course") or not scope.region_ids:
        raise PermissionDenied
    form = CourseForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        course = form.save(commit=False)
        course.region_id = scope.region_ids[0]
        course.organizer = request.user
        course.save()
        form.save_m2m()
        messages.success(request, _("课程已保存为草稿"))
        return redirect("training:course_detail", course.pk)
    return render(request, "training/course_form.html", {"form": form})


@login_required
def course_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.visible_course(request.user, pk)
    if not request.user.has_perm("training.manage_course", course):
        raise PermissionDenied
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("课程已保存"))
        return redirect("training:course_detail", course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@login_required
def course_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.visible_course(request.user, pk)
    user = request.user
    scope = scope_of(user)
    own = selectors.own_enrollment(user, course)
    teacher = selectors.own_teacher(user)
    problems = selectors.eligibility_problems(course, teacher) if teacher else []
    clash_pairs = selectors.clashes(course, teacher) if teacher else []
    can_manage = user.has_perm("training.manage_course", course)
    can_attend = user.has_perm("training.manage_attendance", course)
    done = selectors.completions(course) if can_attend else {}
    nominees = (
        selectors.nominees(user, course)
        if scope.has_role(Role.SCHOOL_ADMIN) and course.status == CourseStatus.PUBLISHED
        else []
    )
    context = {
        "course": course,
        "sessions": selectors.sessions_with_attendance(course, teacher),
        "own": own,
        "history": own.events.select_related("by") if own else [],
        "teacher": teacher,
        "problems": problems,
        "clashes": clash_pairs,
        "can_manage": can_manage,
        "can_attend": can_attend,
        "enrollments": [
            (e, done.get(e.teacher_id)) for e in selectors.course_enrollments(user, course)
        ]
        if scope.read_paths or scope.is_superuser
        else [],
        "nominees": nominees,
        "session_form": SessionForm() if can_manage else None,
    }
    return render(request, "training/course_detail.html", context)


@login_required
@require_POST
def course_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.visible_course(request.user, pk)
    _act(request, lambda: publish_course(course, by=request.user), _("课程已发布"))
    return redirect("training:course_detail", pk)


@login_required
@require_POST
def course_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.visible_course(request.user, pk)
    try:
        report = close_course(course, by=request.user)
    except TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已结班：%(posted)s人登记学分，%(not_done)s人未达结业条件")
            % {"posted": report.posted, "not_done": report.not_completed},
        )
        for error in report.errors:
            messages.error(request, error)
    return redirect("training:course_detail", pk)


@login_required
@require_POST
def session_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.visible_course(request.user, pk)
    if not request.user.has_perm("training.manage_course", course):
        raise PermissionDenied
    form = SessionForm(request.POST)
    if form.is_valid():
        session = form.save(commit=False)
        session.course = course
        session.save()
        messages.success(request, _("场次已添加"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("training:course_detail", pk)


# ---------------------------------------------------------------- enrollment


@login_required
@require_POST
def enroll(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.visible_course(request.user, pk)
    teacher_id = request.POST.get("teacher") or scope_of(request.user).teacher_id
    teacher = get_object_or_404(Teacher.objects.visible_to(request.user), pk=teacher_id)
    ok = _act(
        request,
        lambda: enroll_teacher(course, teacher, by=request.user),
        _("已为%(name)s提交报名") % {"name": teacher.name},
    )
    if ok:
        for own, other in selectors.clashes(course, teacher):
            messages.warning(
                request,
                _("时间冲突：%(own)s与%(other)s（%(course)s）时间重叠")
                % {"own": own.title, "other": other.title, "course": other.course.title},
            )
    return redirect("training:course_detail", pk)


@login_required
@require_POST
def withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.visible_enrollment(request.user, pk)
    _act(
        request,
        lambda: withdraw_enrollment(
            enrollment, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("已退出报名"),
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("training:my_enrollments")
    return redirect(target)


@login_required
def approvals(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.pending_approvals(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/approvals.html", {"page": page})


@login_required
@require_POST
def decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.visible_enrollment(request.user, pk)
    note = request.POST.get("note", "")
    if request.POST.get("decision") == "approve":
        _act(
            request,
            lambda: approve_enrollment(enrollment, by=request.user, note=note),
            _("已同意%(name)s的报名") % {"name": enrollment.teacher.name},
        )
    else:
        _act(
            request,
            lambda: reject_enrollment(enrollment, by=request.user, reason=note),
            _("已退回%(name)s的报名") % {"name": enrollment.teacher.name},
        )
    return redirect("training:approvals")


@login_required
def my_enrollments(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "training/my_enrollments.html",
        {"enrollments": selectors.enrollment_list(request.user)},
    )


# ---------------------------------------------------------------- sign-in


@login_required
def session_code(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The organizer's screen: the rotating code and its QR link, refreshed by HTMX."""
    session = _session(request, pk)
    now = timezone.now()
    current = codes.current_code(session.pk, now)
    link = request.build_absolute_uri(
        reverse("training:sign_in") + "?" + urlencode({"t": codes.link_token(session.pk, now)})
    )
    context = {
        "session": session,
        "code": current.code,
        "seconds_left": max(0, int((current.expires_at - now).total_seconds())),
        "qr": segno.make(link, error="m").svg_inline(scale=6),
        "signed_in": session.attendances.filter(signed_in_at__isnull=False).count(),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "training/_code.html" if partial else "training/session_code.html"
    return render(request, template, context)


@login_required
def sign_in(request: AuthedHttpRequest) -> HttpResponse:
    """The teacher's phone page: a scanned QR link signs in with one tap; a typed code
    from the screen is the fallback."""
    teacher = selectors.own_teacher(request.user)
    form = SignInForm(request.POST or None, initial={"token": request.GET.get("t", "")})
    result = ""
    if request.method == "POST" and teacher is None:
        messages.error(request, _("只有教师本人可以签到"))
    elif request.method == "POST" and teacher is not None and form.is_valid():
        try:
            result = _sign(teacher, form, request.POST.get("action"))
        except TrainingError as exc:
            messages.error(request, str(exc))
    open_now = selectors.open_sessions(teacher, timezone.now()) if teacher else []
    return render(
        request, "training/sign_in.html", {"form": form, "result": result, "open_now": open_now}
    )


def _sign(teacher: Teacher, form: SignInForm, action: str | None) -> str:
    now = timezone.now()
    token, code = form.cleaned_data["token"], form.cleaned_data["code"]
    session = session_for_link(token, now) if token else session_for_code(teacher, code, now)
    if action == "out":
        sign_out_teacher(session, teacher, at=now)
        return _("签退成功：%(s)s") % {"s": session}
    done = sign_in_teacher(session, teacher, at=now)
    if done.already:
        return _("您已签到过：%(s)s") % {"s": session}
    return _("签到成功：%(s)s") % {"s": session}


@login_required
def session_attendance(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    sheet_form = SheetForm()
    if request.method == "POST" and "sheet" in request.FILES:
        sheet_form = SheetForm(request.POST, request.FILES)
        if sheet_form.is_valid():
            try:
                job = sheet_import.preview_sign_in_sheet(
                    session, sheet_form.cleaned_data["sheet"], by=request.user
                )
            except TrainingError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("training:sheet_job", pk, job.pk)
    elif request.method == "POST":
        form = ManualAttendanceForm(request.POST)
        if form.is_valid():
            teacher = get_object_or_404(Teacher, pk=form.cleaned_data["teacher"])
            if _act(
                request,
                lambda: mark_attendance(
                    session,
                    teacher,
                    by=request.user,
                    present=form.cleaned_data["present"],
                    reason=form.cleaned_data["reason"],
                    is_late=form.cleaned_data["is_late"],
                    left_early=form.cleaned_data["left_early"],
                ),
                _("已登记%(name)s的考勤") % {"name": teacher.name},
            ):
                return redirect("training:session_attendance", pk)
        else:
            messages.error(request, _("手工登记考勤必须填写原因"))
    return render(
        request,
        "training/session_attendance.html",
        {
            "session": session,
            "roster": selectors.session_roster(session),
            "sheet_form": sheet_form,
        },
    )


def _sheet_job(request: AuthedHttpRequest, pk: int, job_pk: int) -> tuple[Session, ImportJob]:
    session = _session(request, pk)
    return session, get_object_or_404(sheet_import.sheet_jobs(session, request.user), pk=job_pk)


@login_required
def sheet_job(request: AuthedHttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """A sign-in sheet's preview (each row's learner or error) or its result."""
    session, job = _sheet_job(request, pk, job_pk)
    return job_page(
        request,
        job,
        title=_("导入纸质签到表"),
        back_url=reverse("training:session_attendance", args=[session.pk]),
        commit_url=reverse("training:sheet_commit", args=[session.pk, job.pk]),
        errors_url=reverse("training:sheet_errors", args=[session.pk, job.pk]),
    )


@login_required
@require_POST
def sheet_commit(request: AuthedHttpRequest, pk: int, job_pk: int) -> HttpResponse:
    session, job = _sheet_job(request, pk, job_pk)
    try:
        sheet_import.commit_sign_in_sheet(session, job, by=request.user)
    except (ImportFailed, TrainingError) as exc:
        messages.error(request, str(exc))
    return redirect("training:sheet_job", pk, job.pk)


@login_required
def sheet_errors(request: AuthedHttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """The rejected rows as uploaded, with what is wrong, to correct and upload again."""
    job = _sheet_job(request, pk, job_pk)[1]
    return error_workbook(job, _("签到表错误报告"))


# ---------------------------------------------------------------- course requests


@login_required
def request_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    school = None
    if scope.has_role(Role.SCHOOL_ADMIN):
        school = School.objects.filter(org_path__in=scope.manage_paths).first()
    form = CourseRequestForm(request.POST or None, courses=Course.objects.visible_to(request.user))
    if request.method == "POST" and school is not None and form.is_valid():
        data = form.cleaned_data
        requester = school
        if _act(
            request,
            lambda: request_course(
                requester,
                by=request.user,
                kind=data["kind"],
                title=data["title"],
                details=data["details"],
                course=data["course"],
            ),
            _("课程需求已提交"),
        ):
            return redirect("training:requests")
    page = Paginator(selectors.course_request_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/request_list.html",
        {"page": page, "form": form if school else None},
    )


@login_required
def request_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    course_request = get_object_or_404(
        CourseRequest.objects.visible_to(request.user).select_related(
            "school", "course", "requested_by", "answered_by"
        ),
        pk=pk,
    )
    if request.method == "POST":
        if "answer" in request.POST:
            answer = AnswerForm(request.POST)
            if answer.is_valid():
                _act(
                    request,
                    lambda: answer_course_request(
                        course_request,
                        by=request.user,
                        accept=answer.cleaned_data["accept"],
                        answer=answer.cleaned_data["answer"],
                    ),
                    _("已答复"),
                )
        else:
            _act(
                request,
                lambda: comment_on_course_request(
                    course_request, by=request.user, body=request.POST.get("body", "")
                ),
                _("意见已发表"),
            )
        return redirect("training:request_detail", pk)
    can_answer = request.user.has_perm("training.answer_course_request", course_request.school)
    return render(
        request,
        "training/request_detail.html",
        {
            "req": course_request,
            "comments": course_request.comments.select_related("author"),
            "comment_form": CommentForm(),
            "answer_form": AnswerForm()
            if can_answer and course_request.answered_at is None
            else None,
        },
    )


# ---------------------------------------------------------------- calendar


@login_required
def calendar_month(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = year_param(request)
    month = month_param(request)
    first = datetime.date(year, month, 1)
    level = request.GET.get("level", "mine")
    if level not in selectors.LEVELS:
        level = "mine"
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    next_first = (first + datetime.timedelta(days=32)).replace(day=1)
    end = datetime.datetime.combine(next_first, datetime.time.min, tzinfo=tz)
    events = selectors.calendar_events(request.user, start, end, level)
    by_day: dict[datetime.date, list[selectors.CalendarEvent]] = {}
    for event in events:
        by_day.setdefault(timezone.localdate(event.starts_at), []).append(event)
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "training/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "events": events,
            "level": level,
            "levels": _level_choices(),
            # No link to a month the page would refuse.
            "previous": previous if year_problem(previous.year) is None else None,
            "next": next_first if year_problem(next_first.year) is None else None,
            "today": today,
        },
    )


def _level_choices() -> list[tuple[str, Any]]:
    return [
        ("mine", _("我的")),
        ("school", _("本校")),
        ("zone", _("本片区")),
        ("region", _("全区")),
    ]
