"""Publishing courses and the schools' course requests (课程需求) the center answers."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.notifications.services import notify
from yanxiu.orgs.models import Role, School, User
from yanxiu.orgs.selectors import users_holding
from yanxiu.training.models import (
    Course,
    CourseRequest,
    CourseRequestComment,
    CourseRequestKind,
    CourseRequestStatus,
    CourseStatus,
)
from yanxiu.training.services import TrainingError

# ---------------------------------------------------------------- catalog


def publish_course(course: Course, *, by: User) -> Course:
    if not by.has_perm("training.manage_course", course):
        raise TrainingError(_("只有培训中心可以发布课程"))
    if course.status != CourseStatus.DRAFT:
        raise TrainingError(_("只有草稿状态的课程可以发布"))
    course.status = CourseStatus.PUBLISHED
    course.published_at = timezone.now()
    if course.organizer_id is None:
        course.organizer = by
    course.save(update_fields=["status", "published_at", "organizer", "org_path"])
    return course


def request_course(
    school: School,
    *,
    by: User,
    kind: str,
    title: str,
    details: str,
    course: Course | None = None,
) -> CourseRequest:
    """A school asks the center to add a course or change one (课程需求)."""
    if not by.has_perm("training.request_course", school):
        raise TrainingError(_("只有本校管理员可以提交课程需求"))
    if kind == CourseRequestKind.CHANGE and course is None:
        raise TrainingError(_("调整课程的申请必须选择要调整的课程"))
    request = CourseRequest.objects.create(
        school=school, kind=kind, title=title, details=details, course=course, requested_by=by
    )
    notify(
        users_holding(Role.CENTER_STAFF, region_id=school.region_id),
        _("%(school)s提交了课程需求：%(title)s") % {"school": school.name, "title": title},
        url=reverse("training:request_detail", args=[request.pk]),
    )
    return request


def comment_on_course_request(
    request: CourseRequest, *, by: User, body: str
) -> CourseRequestComment:
    if not by.has_perm("training.comment_course_request", request):
        raise TrainingError(_("您无权对该课程需求发表意见"))
    if not body.strip():
        raise TrainingError(_("意见不能为空"))
    return CourseRequestComment.objects.create(request=request, author=by, body=body.strip())


def answer_course_request(
    request: CourseRequest, *, by: User, accept: bool, answer: str
) -> CourseRequest:
    if not by.has_perm("training.answer_course_request", request.school):
        raise TrainingError(_("只有培训中心可以答复课程需求"))
    if request.status != CourseRequestStatus.PENDING:
        raise TrainingError(_("该课程需求已经答复过了"))
    if not answer.strip():
        raise TrainingError(_("答复内容不能为空"))
    request.status = CourseRequestStatus.ACCEPTED if accept else CourseRequestStatus.DECLINED
    request.answer = answer.strip()
    request.answered_by = by
    request.answered_at = timezone.now()
    request.save()
    notify(
        [request.requested_by],
        _("培训中心答复了课程需求：%(title)s") % {"title": request.title},
        body=request.answer,
        url=reverse("training:request_detail", args=[request.pk]),
    )
    return request
