"""Reads for online study: a teacher's courses and progress, a course's units with status,
the monthly participation record and the end-of-period verification."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from yanxiu.certificates.models import IssuedDocument
from yanxiu.credits.models import Category, TeacherYearTotal, Unit
from yanxiu.credits.policy import policy_terms_for
from yanxiu.learning.models import (
    CourseCompletion,
    CourseUnit,
    QuizAttempt,
    Reply,
    StudyDay,
    StudySession,
    Thread,
    UnitProgress,
)
from yanxiu.orgs.models import School, SchoolKind, Teacher, User
from yanxiu.training.models import Course, CourseFormat, EnrollmentStatus


def my_online_courses(teacher: Teacher) -> QuerySet[Course]:
    """Online courses the teacher is admitted to, with units done and total, newest first."""
    return (
        Course.objects.filter(
            format=CourseFormat.ONLINE,
            enrollments__teacher=teacher,
            enrollments__status=EnrollmentStatus.APPROVED,
        )
        .annotate(
            unit_total=Count(
                "units", filter=Q(units__is_published=True, units__is_required=True), distinct=True
            ),
            unit_done=Count(
                "units__progress",
                filter=Q(
                    units__is_published=True,
                    units__is_required=True,
                    units__progress__teacher=teacher,
                    units__progress__completed_at__isnull=False,
                ),
                distinct=True,
            ),
            finished=Count("completions", filter=Q(completions__teacher=teacher), distinct=True),
        )
        .order_by("-year", "title", "pk")
    )


def quiz_attempts_left(teacher: Teacher, unit: CourseUnit) -> int:
    """How many more times the teacher may submit the unit's quiz."""
    used = QuizAttempt.objects.filter(teacher=teacher, unit=unit).count()
    return max(settings.LEARNING_QUIZ_MAX_ATTEMPTS - used, 0)


def authored_courses(user: User) -> QuerySet[Course]:
    """Online courses whose content the user may write (drafts included)."""
    return (
        Course.objects.visible_to(user)
        .filter(format=CourseFormat.ONLINE)
        .annotate(unit_count=Count("units"))
        .order_by("-year", "title", "pk")
    )


@dataclass
class UnitRow:
    unit: CourseUnit
    progress: UnitProgress | None


def course_units(course: Course, user: User, teacher: Teacher | None) -> list[UnitRow]:
    """The course's units the user may see, each with the teacher's progress if any."""
    units = CourseUnit.objects.visible_to(user).filter(course=course).order_by("position", "pk")
    if teacher is None:
        return [UnitRow(u, None) for u in units]
    with_progress = units.prefetch_related(
        Prefetch("progress", UnitProgress.objects.filter(teacher=teacher), to_attr="mine")
    )
    return [UnitRow(u, u.mine[0] if u.mine else None) for u in with_progress]


def completion_of(course: Course, teacher: Teacher | None) -> CourseCompletion | None:
    if teacher is None:
        return None
    return (
        CourseCompletion.objects.filter(course=course, teacher=teacher)
        .select_related("credit_entry")
        .first()
    )


# --- Participation records (按月参学记载) and the end-of-period verification (核查) ---------


@dataclass(frozen=True)
class OnlineTarget:
    """The online study a teacher must reach between two dates (e.g. 50 hours by 2026-12-31)."""

    label: str
    start: datetime.date
    end: datetime.date
    hours: Decimal
    phase: str = ""  # the period's stage on the day asked about (启动, 推进 …), if it names them

    def expected_by(self, day: datetime.date) -> Decimal:
        """Hours a teacher on a steady pace has reached by ``day``."""
        total = (self.end - self.start).days + 1
        elapsed = min(max((day - self.start).days + 1, 0), total)
        return (self.hours * elapsed / total).quantize(HUNDREDTH)


HUNDREDTH = Decimal("0.01")
SECONDS_PER_HOUR = Decimal(3600)


def online_target(region_id: int, on: datetime.date) -> OnlineTarget:
    """The policy's online requirement in force on ``on``: a project period's online minimum
    (seed 003: ≥50 hours of online study), else the year's online minimum, in hours."""
    rules = policy_terms_for(region_id, on.year)
    per_credit = rules.hours_per_credit.get(Category.ONLINE, Decimal(1))
    for period in rules.periods:
        if not period.start <= on <= period.end:
            continue
        for minimum in period.minimums:
            if tuple(minimum.categories) == (Category.ONLINE,):
                hours = minimum.amount * (1 if period.unit == Unit.HOUR else per_credit)
                phase = period.phase_on(on)
                return OnlineTarget(
                    period.name, period.start, period.end, hours, phase.name if phase else ""
                )
    annual = rules.minimums.get(Category.ONLINE, Decimal(0))
    return OnlineTarget(
        _("%(y)d年度网络研修") % {"y": on.year},
        datetime.date(on.year, 1, 1),
        datetime.date(on.year, 12, 31),
        annual * (1 if rules.unit == Unit.HOUR else per_credit),
    )


def _study_seconds(start: datetime.date, end: datetime.date) -> Coalesce:
    return Coalesce(
        Sum(
            "study_days__counted_seconds",
            filter=Q(study_days__date__gte=start, study_days__date__lte=end),
        ),
        0,
    )


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(HUNDREDTH)


@dataclass(frozen=True)
class ParticipationRow:
    teacher_id: int
    name: str
    month_hours: Decimal
    cumulative_hours: Decimal
    on_track: bool


@dataclass(frozen=True)
class MonthlyRecord:
    """One school's monthly participation record (按月参学记载) from the measured study time."""

    school: School
    month: datetime.date
    target: OnlineTarget
    expected: Decimal
    rows: list[ParticipationRow]

    @property
    def behind(self) -> int:
        return sum(1 for r in self.rows if not r.on_track)


def month_end(month: datetime.date) -> datetime.date:
    return datetime.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def monthly_record(school: School, month: datetime.date) -> MonthlyRecord:
    """Per active teacher: hours studied this month, hours so far in the target's period,
    and whether that keeps pace with the target. One query."""
    first, last = month.replace(day=1), month_end(month)
    target = online_target(school.region_id, last)
    upto = min(last, target.end)
    expected = target.expected_by(upto)
    teachers = (
        Teacher.objects.filter(school=school, is_active=True)
        .annotate(month_s=_study_seconds(first, last), period_s=_study_seconds(target.start, upto))
        .order_by("name", "pk")
        .values_list("pk", "name", "month_s", "period_s")
    )
    rows = [
        ParticipationRow(pk, name, _hours(m), _hours(p), _hours(p) >= expected)
        for pk, name, m, p in teachers
    ]
    return MonthlyRecord(school, first, target, expected, rows)


@dataclass(frozen=True)
class SchoolVerdict:
    school_id: int
    name: str
    teachers: int
    unqualified: int
    failing: bool

    @property
    def rate(self) -> Decimal:
        return (Decimal(self.unqualified) / self.teachers * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class UnqualifiedTeacher:
    school: str
    name: str
    hours: Decimal


@dataclass(frozen=True)
class Verification:
    """The end-of-period verification (核查) of online study for the schools a user sees."""

    target: OnlineTarget
    threshold: Decimal
    schools: list[SchoolVerdict]
    unqualified: list[UnqualifiedTeacher]
    unqualified_total: int


VERIFICATION_LIST_LIMIT = 1000


def verification(user: User, region_id: int, on: datetime.date) -> Verification:
    """Teachers below the period's online hours (本年度继续教育非集中培训不合格) and schools
    where they are at or over the policy's share (不合格率达20%)."""
    target = online_target(region_id, on)
    threshold = policy_terms_for(region_id, target.end.year).school_fail_threshold
    needed = int(target.hours * SECONDS_PER_HOUR)
    short = (
        Teacher.objects.filter(region_id=region_id, is_active=True)
        .annotate(period_s=_study_seconds(target.start, target.end))
        .filter(period_s__lt=needed)
    )
    active = Q(teachers__is_active=True)
    schools = (
        School.objects.visible_to(user)
        .filter(region_id=region_id, kind=SchoolKind.SCHOOL)
        .annotate(
            teacher_count=Count("teachers", filter=active),
            unqualified=Count("teachers", filter=active & Q(teachers__in=short.values("pk"))),
        )
        .filter(teacher_count__gt=0)
        .order_by("code")
        .values_list("pk", "name", "teacher_count", "unqualified")
    )
    verdicts = [
        SchoolVerdict(pk, name, n, bad, Decimal(bad) >= threshold * n)
        for pk, name, n, bad in schools
    ]
    mine = short.filter(pk__in=Teacher.objects.visible_to(user).values("pk"))
    listed = mine.order_by("school__code", "name", "pk").values_list(
        "school__name", "name", "period_s"
    )[:VERIFICATION_LIST_LIMIT]
    return Verification(
        target,
        threshold,
        verdicts,
        [UnqualifiedTeacher(school, name, _hours(sec)) for school, name, sec in listed],
        mine.count(),
    )


def study_session_list(user: User, *, teacher_id: int | None = None) -> QuerySet[StudySession]:
    """Saved study sessions the user may read (a teacher's own; a school's for its admin)."""
    sessions = StudySession.objects.visible_to(user).select_related("teacher", "unit__course")
    if teacher_id is not None:
        sessions = sessions.filter(teacher_id=teacher_id)
    return sessions.order_by("-started_at", "-pk")


def course_threads(course: Course, user: User) -> QuerySet[Thread]:
    """The course's topics, pinned first, then by latest activity; hidden ones to moderators."""
    threads = Thread.objects.filter(course=course).select_related("author")
    if not user.has_perm("learning.moderate_course", course):
        threads = threads.filter(is_hidden=False)
    return threads.annotate(
        reply_count=Count("replies", filter=Q(replies__is_hidden=False))
    ).order_by("-is_pinned", "-last_activity_at", "-pk")


def thread_replies(thread: Thread, user: User) -> QuerySet[Reply]:
    replies = thread.replies.select_related("author")
    if not user.has_perm("learning.moderate_course", thread.course):
        replies = replies.filter(is_hidden=False)
    return replies.order_by("created_at", "pk")


@dataclass(frozen=True)
class Studio:
    """A teacher's personal e-studio (个人电子工作室): courses, hours, certificates and posts."""

    teacher: Teacher
    year: int
    courses: QuerySet[Course]
    study_hours: Decimal
    ledger: list[dict[str, object]]
    documents: QuerySet[IssuedDocument]
    threads: QuerySet[Thread]


STUDIO_POSTS = 10


def studio(teacher: Teacher, user: User, year: int) -> Studio:
    seconds = StudyDay.objects.filter(teacher=teacher, date__year=year).aggregate(
        s=Coalesce(Sum("counted_seconds"), 0)
    )["s"]
    labels = dict(Category.choices)
    ledger = [
        {**row, "category": labels.get(row["category"], row["category"])}
        for row in TeacherYearTotal.objects.filter(teacher=teacher, year=year)
        .order_by("category")
        .values("category", "hours", "credits")
    ]
    return Studio(
        teacher=teacher,
        year=year,
        courses=my_online_courses(teacher),
        study_hours=_hours(seconds),
        ledger=ledger,
        documents=IssuedDocument.objects.visible_to(user).filter(teacher=teacher, revoked=False),
        threads=Thread.objects.filter(author_id=teacher.user_id, is_hidden=False)
        .select_related("course")
        .order_by("-created_at")[:STUDIO_POSTS],
    )
