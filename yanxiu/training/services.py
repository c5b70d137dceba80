"""Everything that changes training data: publishing, enrollment and its approvals, sign-in,
attendance, and closing a class, which posts its credits to the ledger once.

Each function checks the acting user's permission itself (``by.has_perm``), so pages
and the API refuse the same things with the same Chinese message.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.duties import ensure_not_self
from yanxiu.core.throttle import AttemptLimit
from yanxiu.credits.services import CreditError, DuplicateCredit, post_credit
from yanxiu.notifications.services import notify
from yanxiu.orgs.models import (
    LeadershipPost,
    Ownership,
    RoleAssignment,
    School,
    Stage,
    Teacher,
    User,
)
from yanxiu.training import codes
from yanxiu.training.models import (
    ACTIVE_STATUSES,
    Approval,
    Attendance,
    AttendanceMethod,
    Course,
    CourseRequest,
    CourseRequestComment,
    CourseRequestKind,
    CourseRequestStatus,
    CourseStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    RoleRequirement,
    Session,
)

# A teacher may sign in from half an hour before a session starts, and sign out until
# an hour after it ends (the organizer's screen keeps showing the code).
SIGN_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)
SIGN_OUT_CLOSES_AFTER = datetime.timedelta(hours=1)


class TrainingError(ValueError):
    """A refused training action; ``str()`` is the Chinese message shown to the user."""


class SignInThrottled(TrainingError):
    """Too many wrong sign-in codes: the teacher waits ``retry_after`` (or scans the QR)."""

    code = "sign_in_throttled"

    def __init__(self, retry_after: datetime.timedelta) -> None:
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        super().__init__(
            _("签到码输错次数过多，请%(minutes)s分钟后再试，或扫描现场屏幕上的二维码签到")
            % {"minutes": minutes}
        )


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
        center_staff_of(school.region_id),
        _("%(school)s提交了课程需求：%(title)s") % {"school": school.name, "title": title},
        url=reverse("training:request_detail", args=[request.pk]),
    )
    return request


def comment_on_request(request: CourseRequest, *, by: User, body: str) -> CourseRequestComment:
    if not by.has_perm("training.comment_course_request", request):
        raise TrainingError(_("您无权对该课程需求发表意见"))
    if not body.strip():
        raise TrainingError(_("意见不能为空"))
    return CourseRequestComment.objects.create(request=request, author=by, body=body.strip())


def answer_request(request: CourseRequest, *, by: User, accept: bool, answer: str) -> CourseRequest:
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


# ---------------------------------------------------------------- people to notify


def center_staff_of(region_id: int) -> list[User]:
    return list(
        User.objects.filter(
            role_assignments__role="center_staff",
            role_assignments__region_id=region_id,
            is_active=True,
        ).distinct()
    )


def school_admins_of(school_id: int) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.filter(role="school_admin", school_id=school_id).values(
                "user_id"
            ),
            is_active=True,
        )
    )


# ---------------------------------------------------------------- eligibility


def _meets_role(teacher: Teacher, role: str) -> bool:
    match role:
        case RoleRequirement.HOMEROOM:
            return teacher.is_homeroom_teacher
        case RoleRequirement.NEW_TEACHER:
            return teacher.is_new_teacher
        case RoleRequirement.PRINCIPAL:
            return teacher.leadership_post in (
                LeadershipPost.PRINCIPAL,
                LeadershipPost.VICE_PRINCIPAL,
            )
        case RoleRequirement.MIDDLE:
            return teacher.leadership_post == LeadershipPost.MIDDLE
        case RoleRequirement.BACKBONE:
            return teacher.backbone_level != "none"
        case RoleRequirement.FAMOUS:
            return teacher.is_famous_teacher
    return False


def eligibility_problems(
    course: Course, teacher: Teacher, on: datetime.date | None = None
) -> list[str]:
    """Why ``teacher`` may not take ``course``, one Chinese sentence per unmet condition."""
    problems: list[str] = []
    if course.region_id != teacher.region_id:
        problems.append(_("该课程不面向您所在的区县"))
    if course.stages and teacher.stage not in course.stages:
        names = "、".join(str(Stage(s).label) for s in course.stages)
        problems.append(_("本课程仅面向%(stages)s教师") % {"stages": names})
    subject_ids = set(course.subjects.values_list("pk", flat=True))
    if subject_ids and not subject_ids & set(teacher.subjects.values_list("pk", flat=True)):
        names = "、".join(course.subjects.values_list("name", flat=True))
        problems.append(_("本课程仅面向%(subjects)s学科教师") % {"subjects": names})
    if course.roles and not any(_meets_role(teacher, r) for r in course.roles):
        names = "、".join(str(RoleRequirement(r).label) for r in course.roles)
        problems.append(_("本课程仅面向%(roles)s") % {"roles": names})
    if course.ownerships and teacher.school.ownership not in course.ownerships:
        names = "、".join(str(Ownership(o).label) for o in course.ownerships)
        problems.append(_("本课程仅面向%(kinds)s的教师") % {"kinds": names})
    years = teacher.years_teaching(on)
    if course.min_years is not None and years < course.min_years:
        problems.append(
            _("本课程要求教龄不少于%(min)s年，您的教龄为%(years)s年")
            % {"min": course.min_years, "years": years}
        )
    if course.max_years is not None and years > course.max_years:
        problems.append(
            _("本课程要求教龄不超过%(max)s年，您的教龄为%(years)s年")
            % {"max": course.max_years, "years": years}
        )
    return problems


# ---------------------------------------------------------------- enrollment


def _record(enrollment: Enrollment, old: str, *, by: User | None, note: str = "") -> None:
    EnrollmentEvent.objects.create(
        enrollment=enrollment, from_status=old, to_status=enrollment.status, by=by, note=note
    )


def _admit(enrollment: Enrollment, now: datetime.datetime) -> None:
    """Give a place if one is free, else put the teacher on the waitlist.

    Callers hold the course row locked, so two admissions cannot take the last place.
    """
    course = enrollment.course
    taken = (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.APPROVED)
        .exclude(pk=enrollment.pk)
        .count()
    )
    if course.capacity is None or taken < course.capacity:
        enrollment.status = EnrollmentStatus.APPROVED
        enrollment.waitlisted_at = None
    else:
        enrollment.status = EnrollmentStatus.WAITLISTED
        enrollment.waitlisted_at = now


def _lock(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _enrollment_url(enrollment: Enrollment) -> str:
    return reverse("training:course_detail", args=[enrollment.course_id])


def _tell_teacher(enrollment: Enrollment, title: str, body: str = "") -> None:
    user = enrollment.teacher.user
    if user is not None:
        notify([user], title, body=body, url=_enrollment_url(enrollment))


def _notify_next_approvers(enrollment: Enrollment) -> None:
    course = enrollment.course
    teacher = enrollment.teacher
    params = {"teacher": teacher.name, "course": course.title}
    url = reverse("training:approvals")
    if enrollment.status == EnrollmentStatus.PENDING_SCHOOL:
        notify(
            school_admins_of(teacher.school_id),
            _("%(teacher)s报名了“%(course)s”，请审核") % params,
            url=url,
        )
    elif enrollment.status == EnrollmentStatus.PENDING_CENTER:
        notify(
            center_staff_of(course.region_id),
            _("学校已同意%(teacher)s报名“%(course)s”，请培训中心审核") % params,
            url=url,
        )
    elif enrollment.status == EnrollmentStatus.APPROVED:
        _tell_teacher(enrollment, _("您已被“%(course)s”录取") % params)
    elif enrollment.status == EnrollmentStatus.WAITLISTED:
        _tell_teacher(enrollment, _("“%(course)s”名额已满，您已进入候补名单") % params)


@transaction.atomic
def enroll(course: Course, teacher: Teacher, *, by: User) -> Enrollment:
    """Register ``teacher`` (by themselves) or nominate them (by their school admin)."""
    if not by.has_perm("training.enroll_teacher", teacher):
        raise TrainingError(_("您只能为自己或本校教师报名"))
    course = _lock(course)
    if course.status != CourseStatus.PUBLISHED:
        raise TrainingError(_("该课程未开放报名"))
    problems = eligibility_problems(course, teacher)
    if problems:
        raise TrainingError(_("不符合报名条件：%(why)s") % {"why": "；".join(problems)})
    enrollment = Enrollment.objects.filter(course=course, teacher=teacher).first()
    if enrollment is not None and enrollment.is_active:
        raise TrainingError(
            _("已报名该课程（%(status)s），无需重复报名")
            % {"status": enrollment.get_status_display()}
        )
    nominated = teacher.user_id != by.pk
    now = timezone.now()
    if enrollment is None:
        enrollment = Enrollment(course=course, teacher=teacher)
    old = enrollment.status or ""
    enrollment.course = course
    enrollment.applied_at = now
    enrollment.decided_at = None
    enrollment.nominated_by = by if nominated else None
    enrollment.note = ""
    # A nomination is the school's consent, so it skips the school step.
    if course.approval == Approval.NONE or (nominated and course.approval == Approval.SCHOOL):
        _admit(enrollment, now)
    elif course.approval == Approval.SCHOOL_CENTER and nominated:
        enrollment.status = EnrollmentStatus.PENDING_CENTER
    else:
        enrollment.status = EnrollmentStatus.PENDING_SCHOOL
    enrollment.save()
    _record(enrollment, old, by=by, note=_("学校推荐") if nominated else _("本人报名"))
    _notify_next_approvers(enrollment)
    return enrollment


@transaction.atomic
def approve(enrollment: Enrollment, *, by: User, note: str = "") -> Enrollment:
    """The next approver agrees: the school passes it on or admits; the center admits."""
    _lock(enrollment.course)
    enrollment.refresh_from_db()
    old = enrollment.status
    course = enrollment.course
    if old == EnrollmentStatus.PENDING_SCHOOL:
        if not by.has_perm("training.approve_for_school", enrollment):
            raise TrainingError(_("只有该教师所在学校的管理员可以审核此报名"))
        ensure_not_self(by, enrollment.teacher.user_id, _("审核该报名"), error=TrainingError)
        if course.approval == Approval.SCHOOL_CENTER:
            enrollment.status = EnrollmentStatus.PENDING_CENTER
        else:
            _admit(enrollment, timezone.now())
    elif old == EnrollmentStatus.PENDING_CENTER:
        if not by.has_perm("training.approve_for_center", enrollment):
            raise TrainingError(_("只有培训中心可以审核此报名"))
        ensure_not_self(by, enrollment.teacher.user_id, _("审核该报名"), error=TrainingError)
        _admit(enrollment, timezone.now())
    else:
        raise TrainingError(
            _("该报名当前状态为“%(status)s”，无需审核")
            % {"status": enrollment.get_status_display()}
        )
    if enrollment.status in (EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED):
        enrollment.decided_at = timezone.now()
    enrollment.note = note
    enrollment.save()
    _record(enrollment, old, by=by, note=note)
    _notify_next_approvers(enrollment)
    return enrollment


@transaction.atomic
def reject(enrollment: Enrollment, *, by: User, reason: str) -> Enrollment:
    enrollment.refresh_from_db()
    old = enrollment.status
    if old == EnrollmentStatus.PENDING_SCHOOL:
        allowed = by.has_perm("training.approve_for_school", enrollment)
    elif old == EnrollmentStatus.PENDING_CENTER:
        allowed = by.has_perm("training.approve_for_center", enrollment)
    else:
        raise TrainingError(
            _("该报名当前状态为“%(status)s”，无需审核")
            % {"status": enrollment.get_status_display()}
        )
    if not allowed:
        raise TrainingError(_("您无权审核此报名"))
    ensure_not_self(by, enrollment.teacher.user_id, _("审核该报名"), error=TrainingError)
    if not reason.strip():
        raise TrainingError(_("不同意报名时必须填写原因"))
    enrollment.status = EnrollmentStatus.REJECTED
    enrollment.decided_at = timezone.now()
    enrollment.note = reason.strip()
    enrollment.save()
    _record(enrollment, old, by=by, note=enrollment.note)
    _tell_teacher(
        enrollment,
        _("您报名的“%(course)s”未通过审核") % {"course": enrollment.course.title},
        body=enrollment.note,
    )
    return enrollment


@transaction.atomic
def withdraw(enrollment: Enrollment, *, by: User, reason: str = "") -> Enrollment:
    """Leave a course; a freed place goes to the first teacher on the waitlist."""
    if not by.has_perm("training.withdraw", enrollment):
        raise TrainingError(_("您无权为该教师退出报名"))
    course = _lock(enrollment.course)
    enrollment.refresh_from_db()
    if course.status == CourseStatus.CLOSED:
        raise TrainingError(_("该培训班已结班，不能退出"))
    if not enrollment.is_active:
        raise TrainingError(
            _("该报名当前状态为“%(status)s”，不能退出")
            % {"status": enrollment.get_status_display()}
        )
    old = enrollment.status
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.waitlisted_at = None
    enrollment.note = reason
    enrollment.save()
    _record(enrollment, old, by=by, note=reason)
    if old == EnrollmentStatus.APPROVED:
        promote_from_waitlist(course)
    return enrollment


def promote_from_waitlist(course: Course) -> Enrollment | None:
    """Admit the longest-waiting teacher if a place is free (course row already locked)."""
    first = (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.WAITLISTED)
        .select_related("teacher__user", "course")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None:
        return None
    _admit(first, timezone.now())
    if first.status != EnrollmentStatus.APPROVED:
        return None
    first.decided_at = timezone.now()
    first.save()
    _record(first, EnrollmentStatus.WAITLISTED, by=None, note=_("候补递补"))
    _tell_teacher(first, _("有名额空出，您已被“%(course)s”录取") % {"course": course.title})
    return first


# ---------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignInResult:
    attendance: Attendance
    already: bool


def _approved(session: Session, teacher: Teacher) -> None:
    status = (
        Enrollment.objects.filter(course_id=session.course_id, teacher=teacher)
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        raise TrainingError(_("您未报名该培训班，不能签到"))
    if status != EnrollmentStatus.APPROVED:
        raise TrainingError(
            _("您在该培训班的报名状态为“%(status)s”，不能签到")
            % {"status": EnrollmentStatus(status).label}
        )


def sign_in(
    session: Session, teacher: Teacher, *, at: datetime.datetime | None = None
) -> SignInResult:
    """Record a teacher's arrival; signing in twice keeps the first arrival.

    The session comes from a typed code (session_for_code) or a QR link
    (session_for_link), which is where the teacher proves they are in the room.
    """
    at = at or timezone.now()
    course = session.course
    if course.status == CourseStatus.CLOSED:
        raise TrainingError(_("该培训班已结班，不能签到"))
    if at < session.starts_at - SIGN_IN_OPENS_BEFORE:
        raise TrainingError(_("该场次签到尚未开始"))
    if at > session.ends_at:
        raise TrainingError(_("该场次已结束，不能签到"))
    _approved(session, teacher)
    late = at > session.starts_at + datetime.timedelta(minutes=course.grace_minutes)
    try:
        # Most taps are first taps: insert straight away and let the unique constraint
        # catch repeats (and two taps racing), rather than look first.
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                teacher=teacher,
                signed_in_at=at,
                is_late=late,
                present=True,
                method=AttendanceMethod.CODE,
            )
    except IntegrityError:
        attendance, created = Attendance.objects.get(session=session, teacher=teacher), False
    else:
        created = True
    if created:
        return SignInResult(attendance, already=False)
    if attendance.signed_in_at is None or not attendance.present:
        attendance.signed_in_at = at
        attendance.is_late = late
        attendance.present = True
        attendance.method = AttendanceMethod.CODE
        attendance.save(
            update_fields=["signed_in_at", "is_late", "present", "method", "updated_at"]
        )
        return SignInResult(attendance, already=False)
    return SignInResult(attendance, already=True)


def sign_out(
    session: Session, teacher: Teacher, *, at: datetime.datetime | None = None
) -> Attendance:
    """Record a teacher's departure; the last sign-out counts (session as for sign_in)."""
    at = at or timezone.now()
    if at > session.ends_at + SIGN_OUT_CLOSES_AFTER:
        raise TrainingError(_("该场次签退已截止"))
    _approved(session, teacher)
    attendance = Attendance.objects.filter(session=session, teacher=teacher).first()
    if attendance is None or attendance.signed_in_at is None:
        raise TrainingError(_("您尚未签到，不能签退"))
    grace = datetime.timedelta(minutes=session.course.grace_minutes)
    attendance.signed_out_at = at
    attendance.left_early = at < session.ends_at - grace
    attendance.save(update_fields=["signed_out_at", "left_early", "updated_at"])
    return attendance


def open_sessions(teacher: Teacher, at: datetime.datetime) -> list[Session]:
    """Sessions of the teacher's admitted classes that can be signed in or out of now."""
    return list(
        Session.objects.filter(
            course__enrollments__teacher=teacher,
            course__enrollments__status=EnrollmentStatus.APPROVED,
            course__status=CourseStatus.PUBLISHED,
            starts_at__lte=at + SIGN_IN_OPENS_BEFORE,
            ends_at__gte=at - SIGN_OUT_CLOSES_AFTER,
        )
        .select_related("course")
        .order_by("starts_at")
    )


def _code_attempts() -> AttemptLimit:
    return AttemptLimit(
        "sign-in-code",
        limit=settings.TRAINING_SIGN_IN_CODE_FAILURES,
        window=settings.TRAINING_SIGN_IN_CODE_WINDOW,
    )


def session_for_code(teacher: Teacher, code: str, at: datetime.datetime) -> Session:
    """Which session a typed code belongs to, so a teacher needs to type nothing else.

    Six digits can be guessed, so each teacher has a few wrong codes per window
    (settings.TRAINING_SIGN_IN_CODE_FAILURES / _WINDOW), counted per person and not per
    session: a stranger's guesses must not lock a class out. Every wrong code gets the
    same answer, whether or not it is another session's code.
    """
    attempts = _code_attempts()
    who = str(teacher.pk)
    wait_ends = attempts.begin(who, at)
    if wait_ends is not None:
        raise SignInThrottled(wait_ends - at)
    for session in open_sessions(teacher, at):
        if codes.code_is_valid(session.pk, code, at):
            attempts.succeeded(who)
            return session
    raise TrainingError(_("签到码错误或已过期，请输入现场屏幕上的最新签到码"))


def session_for_link(token: str, at: datetime.datetime) -> Session:
    """The session a scanned QR link signs into; sign_in still checks the enrollment."""
    session_id = codes.session_of_link(token, at)
    session = (
        Session.objects.filter(pk=session_id).select_related("course").first()
        if session_id is not None
        else None
    )
    if session is None:
        raise TrainingError(_("二维码无效或已过期，请重新扫描现场屏幕上的二维码"))
    return session


# ---------------------------------------------------------------- attendance by hand


def _require_attendance_manager(session: Session, by: User) -> None:
    if not by.has_perm("training.manage_attendance", session.course):
        raise TrainingError(_("只有该培训班的负责人或培训中心可以登记考勤"))


def mark_attendance(
    session: Session,
    teacher: Teacher,
    *,
    by: User,
    present: bool,
    reason: str,
    is_late: bool = False,
    left_early: bool = False,
) -> Attendance:
    """An organizer records attendance by hand; the reason is kept with the row."""
    _require_attendance_manager(session, by)
    if not reason.strip():
        raise TrainingError(_("手工登记考勤必须填写原因"))
    if not Enrollment.objects.filter(
        course_id=session.course_id, teacher=teacher, status=EnrollmentStatus.APPROVED
    ).exists():
        raise TrainingError(
            _("%(teacher)s未被录取到本培训班，不能登记考勤") % {"teacher": teacher.name}
        )
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        teacher=teacher,
        defaults={
            "present": present,
            "is_late": is_late and present,
            "left_early": left_early and present,
            "method": AttendanceMethod.MANUAL,
            "marked_by": by,
            "reason": reason.strip(),
        },
    )
    return attendance


# ---------------------------------------------------------------- completion and credits


@dataclass(frozen=True)
class Completion:
    attended: int
    irregular: int
    total: int
    completed: bool


def completions(course: Course) -> dict[int, Completion]:
    """Each admitted teacher's attendance against the course's completion rule, in one query."""
    total = course.sessions.count()
    rows = (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.APPROVED)
        .values("teacher_id")
        .annotate(
            attended=Count(
                "teacher__attendances",
                filter=Q(
                    teacher__attendances__session__course=course,
                    teacher__attendances__present=True,
                ),
            ),
            irregular=Count(
                "teacher__attendances",
                filter=Q(teacher__attendances__session__course=course)
                & Q(teacher__attendances__present=True)
                & (
                    Q(teacher__attendances__is_late=True) | Q(teacher__attendances__left_early=True)
                ),
            ),
        )
    )
    result = {}
    for row in rows:
        completed = total > 0 and row["attended"] * 100 >= course.completion_rate * total
        if course.max_irregular is not None and row["irregular"] > course.max_irregular:
            completed = False
        result[row["teacher_id"]] = Completion(row["attended"], row["irregular"], total, completed)
    return result


@dataclass
class CloseReport:
    posted: int = 0
    already_posted: int = 0
    not_completed: int = 0
    errors: list[str] = field(default_factory=list)


def post_course_credits(course: Course, *, by: User) -> CloseReport:
    """Post credits to every teacher who completed; safe to repeat (the ledger refuses twins)."""
    report = CloseReport()
    if course.credit_amount <= Decimal("0"):
        return report
    occurred = course.sessions.aggregate(last=Max("ends_at"))["last"]
    occurred_on = timezone.localdate(occurred) if occurred else timezone.localdate()
    done = completions(course)
    enrollments = Enrollment.objects.filter(
        course=course, status=EnrollmentStatus.APPROVED
    ).select_related("teacher")
    for enrollment in enrollments:
        status = done.get(enrollment.teacher_id)
        if status is None or not status.completed:
            report.not_completed += 1
            continue
        try:
            with transaction.atomic():
                post_credit(
                    teacher=enrollment.teacher,
                    year=course.year,
                    category=course.credit_category,
                    amount=course.credit_amount,
                    unit=course.credit_unit,
                    source=course,
                    certified_by=by,
                    occurred_on=occurred_on,
                )
        except DuplicateCredit:
            report.already_posted += 1
        except CreditError as exc:
            report.errors.append(f"{enrollment.teacher.name}：{exc}")
            continue
        else:
            report.posted += 1
        if not enrollment.credit_posted:
            Enrollment.objects.filter(pk=enrollment.pk).update(credit_posted=True)
    return report


@transaction.atomic
def close_course(course: Course, *, by: User) -> CloseReport:
    """Close a class (结班) and post its credits once, with the class as their source."""
    if not by.has_perm("training.manage_attendance", course):
        raise TrainingError(_("只有该培训班的负责人或培训中心可以结班"))
    course = _lock(course)
    if course.status == CourseStatus.CLOSED:
        raise TrainingError(
            _("该培训班已于%(at)s结班，学分已登记，不会重复登记")
            % {"at": timezone.localtime(course.closed_at).strftime("%Y-%m-%d %H:%M")}
        )
    if course.status != CourseStatus.PUBLISHED:
        raise TrainingError(_("只有已发布的培训班可以结班"))
    course.status = CourseStatus.CLOSED
    course.closed_at = timezone.now()
    course.closed_by = by
    course.save(update_fields=["status", "closed_at", "closed_by", "org_path"])
    # Pending and waitlisted applications end with the class.
    Enrollment.objects.filter(
        course=course, status__in=[s for s in ACTIVE_STATUSES if s != EnrollmentStatus.APPROVED]
    ).update(status=EnrollmentStatus.REJECTED, note=_("培训班已结班"))
    report = post_course_credits(course, by=by)
    completed_users = [
        e.teacher.user
        for e in Enrollment.objects.filter(course=course, credit_posted=True).select_related(
            "teacher__user"
        )
        if e.teacher.user is not None
    ]
    notify(
        completed_users,
        _("“%(course)s”已结班，学分已登记") % {"course": course.title},
        url=reverse("training:course_detail", args=[course.pk]),
    )
    return report


def close_finished_courses(
    now: datetime.datetime | None = None,
) -> list[tuple[Course, CloseReport]]:
    """Close every published class whose last session has ended (run by cron or a task)."""
    now = now or timezone.now()
    finished = (
        Course.objects.filter(status=CourseStatus.PUBLISHED, organizer__isnull=False)
        .annotate(last_end=Max("sessions__ends_at"))
        .filter(last_end__lt=now)
        .select_related("organizer")
    )
    closed = []
    for course in finished:
        assert course.organizer is not None
        closed.append((course, close_course(course, by=course.organizer)))
    return closed
