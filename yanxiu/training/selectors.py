"""Read-side queries for training, always through ``visible_to``, and the shared calendar.

Calendar: ``calendar_events(user, start, end, level)`` collects events from every
function in ``CALENDAR_PROVIDERS``. Another app adds its own events by registering
a provider once at start-up, e.g. in its ``AppConfig.ready``::

    from yanxiu.training.selectors import CalendarEvent, register_calendar_provider

    def project_activities(user, start, end, level, path):
        return [CalendarEvent(title=..., starts_at=..., ends_at=..., kind=_("校本研训"), url=...)]

    register_calendar_provider(project_activities)

A provider receives the user, the half-open period ``[start, end)``, the level
("mine", "school", "zone" or "region") and the org path that level stands for
("" for "mine"), and must return only events the user may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from yanxiu.orgs.models import (
    LeadershipPost,
    Ownership,
    Role,
    Stage,
    Teacher,
    User,
    school_path,
)
from yanxiu.orgs.scoping import path_q, scope_of
from yanxiu.training.models import (
    ACTIVE_STATUSES,
    Attendance,
    Course,
    CourseRequest,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    RoleRequirement,
    Session,
)

# A teacher may sign in from half an hour before a session starts, and sign out until
# an hour after it ends (the organizer's screen keeps showing the code).
SIGN_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)
SIGN_OUT_CLOSES_AFTER = datetime.timedelta(hours=1)


def course_list(
    user: User,
    *,
    format: str = "",
    track: str = "",
    stage: str = "",
    subject: str = "",
    query: str = "",
    status: str = "",
) -> QuerySet[Course, Any]:
    """The catalog this user may see, filtered, with admitted counts, in one query."""
    courses = Course.objects.visible_to(user).annotate(
        admitted=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.APPROVED)),
        waiting=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
    )
    if format:
        courses = courses.filter(format=format)
    if track:
        courses = courses.filter(track=track)
    if stage:
        # Empty stage list means "every stage"; JSON containment is portable via icontains.
        courses = courses.filter(Q(stages=[]) | Q(stages__icontains=f'"{stage}"'))
    if subject.isascii() and subject.isdigit():
        courses = courses.filter(Q(subjects__isnull=True) | Q(subjects__pk=subject)).distinct()
    if query:
        courses = courses.filter(Q(title__contains=query) | Q(code__contains=query))
    if status:
        courses = courses.filter(status=status)
    return courses.order_by("-year", "status", "starts_on", "pk")


def visible_course(user: User, pk: int) -> Course:
    """One course with its sessions and admitted count, or 404 outside the user's scope."""
    courses = (
        Course.objects.visible_to(user)
        .select_related("organizer", "region")
        .prefetch_related("subjects", Prefetch("sessions", queryset=Session.objects.all()))
        .annotate(
            admitted=Count(
                "enrollments",
                filter=Q(enrollments__status=EnrollmentStatus.APPROVED),
                distinct=True,
            )
        )
    )
    return get_object_or_404(courses, pk=pk)


def visible_session(user: User, pk: int) -> Session:
    """One session of a course the user sees, or 404."""
    return get_object_or_404(
        Session.objects.select_related("course").filter(course__in=Course.objects.visible_to(user)),
        pk=pk,
    )


def visible_enrollment(user: User, pk: int) -> Enrollment:
    """One enrollment the user sees (with its course and teacher's login), or 404."""
    return get_object_or_404(
        Enrollment.objects.visible_to(user).select_related("course", "teacher__user"), pk=pk
    )


def own_teacher(user: User) -> Teacher | None:
    """The user's own roster record, if they are a teacher (one query, no scope needed)."""
    return Teacher.objects.filter(user=user).first()


def own_enrollment(user: User, course: Course) -> Enrollment | None:
    teacher_id = scope_of(user).teacher_id
    if teacher_id is None:
        return None
    return Enrollment.objects.filter(course=course, teacher_id=teacher_id).first()


def nominees(user: User, course: Course, limit: int = 500) -> QuerySet[Teacher, Any]:
    """Teachers this user may nominate who hold no active place in the course yet."""
    return (
        Teacher.objects.visible_to(user)
        .filter(is_active=True, region_id=course.region_id)
        .exclude(
            pk__in=Enrollment.objects.filter(course=course, status__in=ACTIVE_STATUSES).values(
                "teacher_id"
            )
        )
        .select_related("school")
        .order_by("school__code", "name")[:limit]
    )


def sessions_with_attendance(
    course: Course, teacher: Teacher | None
) -> list[tuple[Session, Attendance | None]]:
    """The course's sessions, each with ``teacher``'s own attendance row (if any)."""
    rows = (
        {
            a.session_id: a
            for a in Attendance.objects.filter(session__course=course, teacher=teacher)
        }
        if teacher is not None
        else {}
    )
    return [(s, rows.get(s.pk)) for s in course.sessions.all()]


def enrollment_list(user: User) -> QuerySet[Enrollment, Any]:
    """The user's own enrollments, newest first (none for a non-teacher); others' are read
    per course (``course_enrollments``) or as ``pending_approvals``."""
    teacher_id = scope_of(user).teacher_id
    if teacher_id is None:
        return Enrollment.objects.none()
    return (
        Enrollment.objects.filter(teacher_id=teacher_id)
        .select_related("course")
        .order_by("-applied_at", "-pk")
    )


def course_enrollments(user: User, course: Course) -> QuerySet[Enrollment, Any]:
    """The course's enrollments this user may see (a school admin: their own teachers)."""
    return (
        Enrollment.objects.visible_to(user)
        .filter(course=course)
        .select_related("teacher__school", "nominated_by")
        .order_by("status", "applied_at", "pk")
    )


def pending_approvals(user: User) -> QuerySet[Enrollment, Any]:
    """Enrollments waiting for a step this user may take."""
    scope = scope_of(user)
    waiting = Q(pk__in=[])
    if scope.is_superuser:
        waiting = Q(status__in=[EnrollmentStatus.PENDING_SCHOOL, EnrollmentStatus.PENDING_CENTER])
    else:
        if scope.has_role(Role.SCHOOL_ADMIN):
            waiting |= Q(status=EnrollmentStatus.PENDING_SCHOOL) & path_q(
                scope.manage_paths, field="teacher__org_path"
            )
        if scope.has_role(Role.CENTER_STAFF, Role.BUREAU_ADMIN):
            waiting |= Q(status=EnrollmentStatus.PENDING_CENTER) & path_q(
                scope.manage_paths, field="course__org_path"
            )
    return (
        Enrollment.objects.visible_to(user)
        .filter(waiting)
        .select_related("teacher__school", "course", "nominated_by")
        .order_by("applied_at", "pk")
    )


def clashes(course: Course, teacher: Teacher) -> list[tuple[Session, Session]]:
    """Pairs (session of ``course``, overlapping session of another class the teacher is in)."""
    own = list(course.sessions.all())
    if not own:
        return []
    overlap = Q(pk__in=[])
    for s in own:
        overlap |= Q(starts_at__lt=s.ends_at, ends_at__gt=s.starts_at)
    others = list(
        Session.objects.filter(overlap)
        .filter(
            course__enrollments__teacher=teacher,
            course__enrollments__status__in=ACTIVE_STATUSES,
        )
        .exclude(course=course)
        .select_related("course")
    )
    return [
        (s, o) for s in own for o in others if o.starts_at < s.ends_at and o.ends_at > s.starts_at
    ]


def session_roster(session: Session) -> list[tuple[Teacher, Attendance | None]]:
    """Every admitted teacher of the session's class with their attendance row, in two queries."""
    teachers = [
        e.teacher
        for e in Enrollment.objects.filter(
            course_id=session.course_id, status=EnrollmentStatus.APPROVED
        )
        .select_related("teacher__school")
        .order_by("teacher__school__code", "teacher__name", "pk")
    ]
    rows = {a.teacher_id: a for a in Attendance.objects.filter(session=session)}
    return [(t, rows.get(t.pk)) for t in teachers]


def course_request_list(user: User) -> QuerySet[CourseRequest, Any]:
    return (
        CourseRequest.objects.visible_to(user)
        .select_related("school", "course", "requested_by")
        .order_by("-requested_at", "-pk")
    )


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


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class CalendarEvent:
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kind: str
    url: str = ""
    location: str = ""


LEVELS = ("mine", "school", "zone", "region")
# How many path segments ("region/zone/school/") each level keeps.
LEVEL_DEPTH = {"region": 1, "zone": 2, "school": 3}

CalendarProvider = Callable[
    [User, datetime.datetime, datetime.datetime, str, str], list[CalendarEvent]
]
CALENDAR_PROVIDERS: list[CalendarProvider] = []


def register_calendar_provider(provider: CalendarProvider) -> CalendarProvider:
    """Add a source of calendar events (idempotent, so a reloaded app does not add twice)."""
    if provider not in CALENDAR_PROVIDERS:
        CALENDAR_PROVIDERS.append(provider)
    return provider


def calendar_path(user: User, level: str) -> str:
    """The org path a calendar level stands for: the user's own school, zone or region.

    A user whose scope is wider than the level (center staff asking for "school")
    gets their own widest path instead, never someone else's.
    """
    if level == "mine":
        return ""
    scope = scope_of(user)
    home = ""
    if scope.school_id:
        home = school_path(scope.school_id)
    elif scope.read_paths:
        home = min(scope.read_paths, key=len)
    parts = [p for p in home.split("/") if p]
    depth = LEVEL_DEPTH[level]
    return "/".join(parts[:depth]) + "/" if parts else ""


def calendar_events(
    user: User, start: datetime.datetime, end: datetime.datetime, level: str = "mine"
) -> list[CalendarEvent]:
    """Every registered provider's events in ``[start, end)``, in time order."""
    path = calendar_path(user, level)
    events: list[CalendarEvent] = []
    for provider in CALENDAR_PROVIDERS:
        events.extend(provider(user, start, end, level, path))
    return sorted(events, key=lambda e: (e.starts_at, e.title))


def training_sessions(
    user: User, start: datetime.datetime, end: datetime.datetime, level: str, path: str
) -> list[CalendarEvent]:
    """Sessions of classes: the user's own, or those with admitted teachers under ``path``.

    At region level every published class of the region appears (the catalog is public
    to the region's people).
    """
    sessions = Session.objects.filter(
        starts_at__lt=end,
        ends_at__gt=start,
        course__status__in=[CourseStatus.PUBLISHED, CourseStatus.CLOSED],
    )
    if level == "mine":
        teacher_id = scope_of(user).teacher_id
        if teacher_id is None:
            return []
        sessions = sessions.filter(
            course__enrollments__teacher_id=teacher_id,
            course__enrollments__status=EnrollmentStatus.APPROVED,
        )
    elif not path:
        return []
    elif level == "region":
        sessions = sessions.filter(course__org_path=path)
    else:
        sessions = sessions.filter(
            course__in=Enrollment.objects.filter(
                status=EnrollmentStatus.APPROVED, teacher__org_path__startswith=path
            ).values("course_id")
        )
    kind = _("集中培训")
    return [
        CalendarEvent(
            title=f"{s.course.title} · {s.title}",
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            kind=kind,
            url=reverse("training:course_detail", args=[s.course_id]),
            location=s.location or s.course.location,
        )
        for s in sessions.select_related("course").distinct().order_by("starts_at")
    ]


register_calendar_provider(training_sessions)
