"""API endpoints for training, scoped exactly as the pages are.

The catalog, enrollment (enroll, withdraw, my enrollments, approvals) and sign-in by
code. Objects outside the caller's scope answer 404; refused actions answer 400 with
the service's Chinese message, or 403 when the caller may not act at all.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from yanxiu.api.common import PathId, caller
from yanxiu.api.pagination import Pages
from yanxiu.api.schemas import responses
from yanxiu.core.params import MAX_ID
from yanxiu.orgs.models import Teacher
from yanxiu.orgs.scoping import scope_of
from yanxiu.training import selectors
from yanxiu.training.models import Course
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

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str


class CourseOut(Schema):
    id: int
    code: str
    title: str
    format: str
    track: str
    year: int
    status: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    credit_amount: Decimal
    credit_unit: str
    credit_category: str
    capacity: int | None
    approval: str
    admitted: int = Field(0, description="已录取人数")


class CourseDetailOut(CourseOut):
    description: str
    location: str
    stages: list[str]
    roles: list[str]
    min_years: int | None
    max_years: int | None
    completion_rate: int
    max_irregular: int | None
    sessions: list[SessionOut]
    eligibility_problems: list[str] = Field(
        default_factory=list, description="调用者（教师）不符合的报名条件"
    )


class EnrollmentOut(Schema):
    id: int
    course_id: int
    course_title: str = Field(alias="course.title")
    teacher_id: int
    teacher_name: str = Field(alias="teacher.name")
    status: str
    applied_at: datetime.datetime
    note: str
    credit_posted: bool


class EnrollIn(Schema):
    teacher_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="为本校教师推荐报名时填写；教师本人报名时留空"
    )


class EnrollOut(Schema):
    enrollment: EnrollmentOut
    clashes: list[str]


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class SignInIn(Schema):
    code: str | None = Field(None, pattern=r"^\d{6}$", description="现场屏幕上的6位签到码")
    token: str | None = Field(
        None, max_length=200, description="现场二维码链接中的签到令牌（参数 t），代替签到码"
    )
    sign_out: bool = False


class ThrottledOut(Schema):
    detail: str
    code: str
    retry_after: int = Field(description="还需等待的秒数")


class SignInOut(Schema):
    session_id: int
    session: str
    signed_in_at: datetime.datetime | None
    signed_out_at: datetime.datetime | None
    is_late: bool
    left_early: bool
    already: bool
    message: str


@router.get("/courses", response=responses(list[CourseOut]), summary="培训课程目录")
@paginate(Pages)
def list_courses(
    request: HttpRequest,
    format: str = "",
    track: str = "",
    stage: str = "",
    subject: int | None = None,
    q: str = "",
) -> Any:
    return selectors.course_list(
        caller(request),
        format=format,
        track=track,
        stage=stage,
        subject=str(subject or ""),
        query=q,
    )


@router.get("/courses/{course_id}", response=responses(CourseDetailOut, 404), summary="课程详情")
def get_course(request: HttpRequest, course_id: PathId) -> Any:
    user = caller(request)
    course = selectors.visible_course(user, course_id)
    teacher = selectors.own_teacher(user)
    out = CourseDetailOut.from_orm(course)
    out.sessions = [SessionOut.from_orm(s) for s in course.sessions.all()]
    out.eligibility_problems = selectors.eligibility_problems(course, teacher) if teacher else []
    return out


@router.post(
    "/courses/{course_id}/enroll",
    response=responses(EnrollOut, 400, 404),
    summary="报名（教师本人）或推荐报名（学校管理员）",
)
def enroll(request: HttpRequest, course_id: PathId, payload: EnrollIn) -> Any:
    user = caller(request)
    course = get_object_or_404(Course.objects.visible_to(user), pk=course_id)
    teacher_id = payload.teacher_id or scope_of(user).teacher_id
    if teacher_id is None:
        raise HttpError(400, _("请指定要推荐报名的教师"))
    teacher = get_object_or_404(Teacher.objects.visible_to(user), pk=teacher_id)
    enrollment = enroll_teacher(course, teacher, by=user)
    clashes = [
        _("%(own)s与%(other)s（%(course)s）时间重叠")
        % {"own": own.title, "other": other.title, "course": other.course.title}
        for own, other in selectors.clashes(course, teacher)
    ]
    return {"enrollment": enrollment, "clashes": clashes}


@router.post(
    "/enrollments/{enrollment_id}/withdraw",
    response=responses(EnrollmentOut, 400, 404),
    summary="退出报名",
)
def withdraw(request: HttpRequest, enrollment_id: PathId, payload: ReasonIn) -> Any:
    user = caller(request)
    enrollment = selectors.visible_enrollment(user, enrollment_id)
    return withdraw_enrollment(enrollment, by=user, reason=payload.reason)


@router.get("/my-enrollments", response=responses(list[EnrollmentOut]), summary="我的报名")
@paginate(Pages)
def my_enrollments(request: HttpRequest) -> Any:
    return selectors.enrollment_list(caller(request)).select_related("teacher")


@router.get("/approvals", response=responses(list[EnrollmentOut]), summary="待我审核的报名")
@paginate(Pages)
def approvals(request: HttpRequest) -> Any:
    return selectors.pending_approvals(caller(request))


@router.post(
    "/enrollments/{enrollment_id}/decision",
    response=responses(EnrollmentOut, 400, 404),
    summary="审核报名：同意或不同意（不同意须填写原因）",
)
def decide(request: HttpRequest, enrollment_id: PathId, payload: DecisionIn) -> Any:
    user = caller(request)
    enrollment = selectors.visible_enrollment(user, enrollment_id)
    if payload.approve:
        return approve_enrollment(enrollment, by=user, note=payload.note)
    return reject_enrollment(enrollment, by=user, reason=payload.note)


@router.post(
    "/sign-in",
    response={**responses(SignInOut, 400), 429: ThrottledOut},
    summary="用现场二维码令牌或签到码签到或签退（教师本人；签到码输错过多须等待）",
)
def sign_in(request: HttpRequest, payload: SignInIn) -> Any:
    user = caller(request)
    teacher = selectors.own_teacher(user)
    if teacher is None:
        raise HttpError(400, _("只有教师本人可以签到"))
    now = timezone.now()
    if payload.token:
        session = session_for_link(payload.token, now)
    elif payload.code:
        session = session_for_code(teacher, payload.code, now)
    else:
        raise HttpError(400, _("请输入现场屏幕上的6位签到码"))
    if payload.sign_out:
        attendance = sign_out_teacher(session, teacher, at=now)
        already, message = False, _("签退成功")
    else:
        result = sign_in_teacher(session, teacher, at=now)
        attendance, already = result.attendance, result.already
        message = _("您已签到过") if already else _("签到成功")
    return {
        "session_id": session.pk,
        "session": str(session),
        "signed_in_at": attendance.signed_in_at,
        "signed_out_at": attendance.signed_out_at,
        "is_late": attendance.is_late,
        "left_early": attendance.left_early,
        "already": already,
        "message": message,
    }
