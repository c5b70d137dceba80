"""Functions that change online-study state: heartbeats, flushes, quizzes, completion, credits."""

from __future__ import annotations

import datetime
import operator
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial, reduce
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError
from yanxiu.core.uploads_quarantine import hold_for_release
from yanxiu.credits.models import Category
from yanxiu.credits.services import DuplicateCredit, post_credit
from yanxiu.learning import judge, selectors
from yanxiu.learning.models import (
    READING_KINDS,
    TIMED_UNITS,
    Choice,
    CourseCompletion,
    CourseUnit,
    Question,
    QuizAttempt,
    Reply,
    StudyDay,
    StudyLimits,
    StudySession,
    Thread,
    UnitProgress,
)
from yanxiu.learning.passes import LearnerRef
from yanxiu.learning.store import StudyStore, get_store
from yanxiu.orgs.models import Teacher, User
from yanxiu.training.models import (
    Course,
    CourseFormat,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
)

TimeSource = Callable[[], float]
FLUSH_BATCH = 500


class LearningError(DomainError):
    """A study action the platform refuses; ``str()`` is a Chinese message."""

    code = "learning_refused"


def studyable_units(teacher_id: int) -> Q:
    """Published units of open (published, not yet closed) online courses the teacher is
    admitted to: after 结班 no more study counts."""
    admitted = Enrollment.objects.filter(
        teacher_id=teacher_id, status=EnrollmentStatus.APPROVED
    ).values("course_id")
    return Q(
        is_published=True,
        course__format=CourseFormat.ONLINE,
        course__status=CourseStatus.PUBLISHED,
        course__in=admitted,
    )


def study_limits_for(region_id: int) -> judge.Limits:
    limits = StudyLimits.objects.filter(region_id=region_id).first() or StudyLimits()
    return judge.Limits(
        daily_cap_seconds=limits.daily_cap_minutes * 60,
        idle_prompt_seconds=limits.idle_prompt_minutes * 60,
        watched_share=limits.watched_share,
    )


@dataclass
class DbLoader:
    """Fills a learner's state from the database when Redis does not hold the answer."""

    teacher_id: int
    region_id: int

    def unit(self, unit_id: int) -> judge.UnitTally:
        unit = (
            CourseUnit.objects.filter(studyable_units(self.teacher_id), TIMED_UNITS)
            .filter(pk=unit_id)
            .values_list("duration_seconds", flat=True)
            .first()
        )
        if unit is None:
            raise judge.NotStudyable(_("该单元未发布，或您尚未选修此课程。"))
        progress = (
            UnitProgress.objects.filter(teacher_id=self.teacher_id, unit_id=unit_id)
            .values_list("counted_seconds", "furthest_position", "watched_at")
            .first()
        )
        if progress is None:
            return judge.UnitTally(duration=unit)
        counted, furthest, watched_at = progress
        return judge.UnitTally(
            duration=unit, counted=counted, furthest=furthest, watched=watched_at is not None
        )

    def limits(self) -> judge.Limits:
        return study_limits_for(self.region_id)

    def day_counted(self, day: str) -> float:
        seconds = (
            StudyDay.objects.filter(teacher_id=self.teacher_id, date=day)
            .values_list("counted_seconds", flat=True)
            .first()
        )
        return float(seconds or 0)


def record_heartbeat(
    learner: LearnerRef,
    beat: judge.Heartbeat,
    *,
    store: StudyStore | None = None,
    time_source: TimeSource = time.time,
) -> judge.Verdict:
    """Judge one heartbeat by the server's clock; a video just watched is flushed at once.

    ``learner`` is the teacher or the learner a study pass names: while the learner's
    state is in the store, a heartbeat reads nothing from the database.
    """
    store = store or get_store()
    now = time_source()
    loader = DbLoader(learner.pk, learner.region_id)
    try:
        verdict = store.update(learner.pk, lambda state: judge.judge(state, beat, now, loader))
    except judge.NotStudyable as exc:
        raise LearningError(str(exc)) from exc
    if verdict.newly_watched:
        flush_study(store=store, teacher_ids=[learner.pk], time_source=time_source)
    return verdict


def answer_idle_prompt(learner: LearnerRef, token: str, *, store: StudyStore | None = None) -> bool:
    """The teacher confirmed they are still there; counting resumes."""

    def change(state: judge.StudyState | None) -> tuple[judge.StudyState | None, bool]:
        return state, state is not None and judge.answer_prompt(state, token)

    return (store or get_store()).update(learner.pk, change)


@dataclass
class FlushResult:
    learners: int = 0
    sessions: int = 0


def flush_study(
    *,
    store: StudyStore | None = None,
    teacher_ids: Iterable[int] | None = None,
    time_source: TimeSource = time.time,
    spread_over: float = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> FlushResult:
    """Write live study states to the database in batches, then drop what was written.

    Every write sets values (never adds; totals never go down), so a flush that is
    retried, runs twice or races another writes the same rows again and loses nothing.
    With ``spread_over`` seconds, the batches start at even intervals over that time
    instead of one after another, so that a loop flushing every minute takes a steady
    share of the machine rather than all of it for a few seconds.
    """
    store = store or get_store()
    ids = list(teacher_ids) if teacher_ids is not None else store.dirty()
    result = FlushResult()
    starts = range(0, len(ids), FLUSH_BATCH)
    interval = spread_over / len(starts) if starts else 0
    began = time.monotonic()
    for number, start in enumerate(starts):
        wait = began + number * interval - time.monotonic()
        if wait > 0:
            sleep(wait)
        batch = ids[start : start + FLUSH_BATCH]
        closing = partial(_closed_if_silent, now=time_source())
        read = store.update_many(dict.fromkeys(batch, closing))
        snapshots = {teacher_id: state for teacher_id, state in read.items() if state is not None}
        result.sessions += _write(snapshots)
        store.update_many(
            {t: partial(_without, written=written) for t, written in snapshots.items()}
        )
        result.learners += len(snapshots)
    return result


def _closed_if_silent(
    state: judge.StudyState | None, now: float
) -> tuple[judge.StudyState | None, judge.StudyState | None]:
    if state is not None:
        judge.close_if_silent(state, now)
    return state, state


def _stamp(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def _write(snapshots: Mapping[int, judge.StudyState]) -> int:
    sessions: list[StudySession] = []
    progress: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    watched: list[tuple[int, int]] = []
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    for teacher_id, state in snapshots.items():
        live = [*state.ended, *([state.session] if state.session else [])]
        sessions += [
            StudySession(
                key=s.key,
                teacher_id=teacher_id,
                unit_id=s.unit_id,
                started_at=_stamp(s.started_at),
                ended_at=_stamp(s.last_beat),
                counted_seconds=int(s.counted),
                uncounted={k: round(v) for k, v in s.uncounted.items()},
                heartbeats=s.beats,
                ignored_heartbeats=s.ignored,
                is_open=s is state.session,
            )
            for s in live
        ]
        progress += [
            {
                "teacher_id": teacher_id,
                "unit_id": unit_id,
                "counted_seconds": int(t.counted),
                "furthest_position": t.furthest,
                "updated_at": stamp,
            }
            for unit_id, t in state.units.items()
        ]
        watched += [(teacher_id, unit_id) for unit_id, t in state.units.items() if t.watched]
        days += [
            {
                "teacher_id": teacher_id,
                "date": connection.ops.adapt_datefield_value(datetime.date.fromisoformat(day)),
                "counted_seconds": int(seconds),
            }
            for day, seconds in state.days.items()
        ]
    with transaction.atomic():
        StudySession.objects.bulk_create(
            sessions,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=[
                "ended_at",
                "counted_seconds",
                "uncounted",
                "heartbeats",
                "ignored_heartbeats",
                "is_open",
            ],
        )
        _upsert_rising(
            UnitProgress,
            progress,
            keys=("teacher_id", "unit_id"),
            rising=("counted_seconds", "furthest_position"),
            replaced=("updated_at",),
        )
        _upsert_rising(StudyDay, days, keys=("teacher_id", "date"), rising=("counted_seconds",))
    if watched:
        # Only units watched since the last flush; most tallies were marked long before.
        newly = UnitProgress.objects.filter(
            reduce(operator.or_, (Q(teacher_id=t, unit_id=u) for t, u in watched)),
            watched_at__isnull=True,
        ).values_list("teacher_id", "unit_id")
        for teacher_id, unit_id in list(newly):
            _mark_watched(teacher_id, unit_id)
    return len(sessions)


UPSERT_CHUNK = 1000


def _upsert_rising(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    keys: tuple[str, ...],
    rising: tuple[str, ...],
    replaced: tuple[str, ...] = (),
) -> None:
    """Insert or update ``rows`` in one statement per chunk, never lowering ``rising`` columns.

    Totals only grow, so when two flushes of one learner race (the periodic one and the
    one a finished video triggers), an older snapshot cannot overwrite a newer total.
    """
    # The SQL names only the model's table and columns, quoted; every value is a parameter.
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = [*keys, *rising, *replaced]
    updates = [
        f"{q(c)} = CASE WHEN excluded.{q(c)} > {table}.{q(c)} "
        f"THEN excluded.{q(c)} ELSE {table}.{q(c)} END"
        for c in rising
    ] + [f"{q(c)} = excluded.{q(c)}" for c in replaced]
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(chunk))} "
                f"ON CONFLICT ({', '.join(q(c) for c in keys)}) DO UPDATE SET {', '.join(updates)}",
                [row[c] for row in chunk for c in columns],
            )


def _without(
    state: judge.StudyState | None, written: judge.StudyState
) -> tuple[judge.StudyState | None, None]:
    """Drop from ``state`` what ``written`` put in the database and has not changed since."""
    if state is None:
        return None, None
    flushed = {s.key for s in written.ended}
    state.ended = [s for s in state.ended if s.key not in flushed]
    current = state.session.unit_id if state.session else None
    state.units = {
        unit_id: tally
        for unit_id, tally in state.units.items()
        if unit_id == current or written.units.get(unit_id) != tally
    }
    if state.session is not None:
        # Keep today's total while studying: the cap needs it without a database read.
        return state, None
    state.days = {d: s for d, s in state.days.items() if written.days.get(d) != s}
    if not state.has_pending_work and not state.days:
        # All in the database; the next heartbeat starts afresh (and rereads the limits).
        return None, None
    return state, None


def _mark_watched(teacher_id: int, unit_id: int) -> None:
    UnitProgress.objects.filter(
        teacher_id=teacher_id, unit_id=unit_id, watched_at__isnull=True
    ).update(watched_at=timezone.now())
    refresh_unit_completion(Teacher.objects.get(pk=teacher_id), CourseUnit.objects.get(pk=unit_id))


def mark_viewed(teacher: Teacher, unit: CourseUnit) -> UnitProgress:
    """The teacher opened the unit; a page or document without a quiz is then complete."""
    progress, _created = UnitProgress.objects.get_or_create(teacher=teacher, unit=unit)
    if progress.viewed_at is None:
        progress.viewed_at = timezone.now()
        progress.save(update_fields=["viewed_at", "updated_at"])
        refresh_unit_completion(teacher, unit)
    return progress


def submit_quiz(teacher: Teacher, unit: CourseUnit, answers: Mapping[int, int]) -> QuizAttempt:
    """Score the answers (question id → choice id) out of 100 and keep the attempt, at most
    ``settings.LEARNING_QUIZ_MAX_ATTEMPTS`` times per unit."""
    questions = list(unit.questions.values_list("pk", flat=True))
    if not questions:
        raise LearningError(_("该单元没有测验题。"))
    with transaction.atomic():
        UnitProgress.objects.get_or_create(teacher=teacher, unit=unit)
        # Locking the progress row makes simultaneous submissions count one after another.
        progress = UnitProgress.objects.select_for_update().get(teacher=teacher, unit=unit)
        if selectors.quiz_attempts_left(teacher, unit) == 0:
            raise LearningError(
                _("本单元测验最多可提交 %(n)d 次，您的次数已用完。如有疑问，请联系课程负责人。")
                % {"n": settings.LEARNING_QUIZ_MAX_ATTEMPTS}
            )
        correct = set(
            Choice.objects.filter(question__unit=unit, is_correct=True).values_list(
                "question_id", "pk"
            )
        )
        right = sum(1 for q in questions if (q, answers.get(q)) in correct)
        score = round(100 * right / len(questions))
        attempt = QuizAttempt.objects.create(
            teacher=teacher,
            unit=unit,
            score=score,
            passed=score >= unit.pass_mark,
            answers={str(q): answers.get(q) for q in questions},
        )
        progress.quiz_score = max(progress.quiz_score or 0, score)
        if attempt.passed and progress.quiz_passed_at is None:
            progress.quiz_passed_at = timezone.now()
        progress.save(update_fields=["quiz_score", "quiz_passed_at", "updated_at"])
        refresh_unit_completion(teacher, unit)
    return attempt


def unit_is_complete(unit: CourseUnit, progress: UnitProgress, has_quiz: bool) -> bool:
    """Watched or read on the clock (videos, and documents and pages with a reading time),
    else opened, and the quiz passed when the unit has one."""
    if unit.is_timed:
        seen = progress.watched_at is not None
    elif unit.kind in READING_KINDS:
        seen = progress.viewed_at is not None
    else:
        seen = True
    return seen and (not has_quiz or progress.quiz_passed_at is not None)


def refresh_unit_completion(teacher: Teacher, unit: CourseUnit) -> None:
    progress = UnitProgress.objects.filter(teacher=teacher, unit=unit).first()
    if progress is None or progress.completed_at is not None:
        return
    if unit_is_complete(unit, progress, unit.questions.exists()):
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at", "updated_at"])
        refresh_course_completion(teacher, unit.course)


def refresh_course_completion(teacher: Teacher, course: Course) -> CourseCompletion | None:
    """A course is complete when every published required unit is; its hours post once."""
    required = CourseUnit.objects.filter(course=course, is_published=True, is_required=True)
    if not required.exists():
        return None
    if required.exclude(progress__teacher=teacher, progress__completed_at__isnull=False).exists():
        return None
    with transaction.atomic():
        completion, created = CourseCompletion.objects.get_or_create(
            teacher=teacher, course=course, defaults={"completed_at": timezone.now()}
        )
        if created and course.credit_amount > 0:
            _post_course_credit(completion)
    return completion


def _post_course_credit(completion: CourseCompletion) -> None:
    course = completion.course
    # The course's organizer certifies; failing one, the staff member who authored it.
    certifier = course.organizer or _first_author(course)
    try:
        completion.credit_entry = post_credit(
            teacher=completion.teacher,
            year=course.year,
            category=Category.ONLINE,
            amount=course.credit_amount,
            unit=course.credit_unit,
            source=course,
            certified_by=certifier,
            occurred_on=timezone.localdate(completion.completed_at),
            reason=_("网络课程学习完成"),
        )
    except DuplicateCredit:
        return
    completion.save(update_fields=["credit_entry"])
    Enrollment.objects.filter(teacher=completion.teacher, course=course).update(credit_posted=True)


def _first_author(course: Course) -> User:
    first = CourseUnit.objects.filter(course=course).select_related("created_by").order_by("pk")
    return first[0].created_by


def save_unit(unit: CourseUnit, *, course: Course, by: User) -> CourseUnit:
    """Create or change a unit of ``course`` (the author is kept from the first save)."""
    unit.course = course
    if unit.pk is None:
        unit.created_by = by
    unit.save()
    hold_for_release(unit, "video")
    return unit


def add_question(unit: CourseUnit, text: str, choices: list[tuple[str, bool]]) -> Question:
    """Append a single-choice question; ``choices`` are (text, is_correct) with one correct."""
    if sum(1 for _text, right in choices if right) != 1:
        raise LearningError(_("每道题须有且只有一个正确答案。"))
    with transaction.atomic():
        question = Question.objects.create(
            unit=unit, text=text, position=unit.questions.count() + 1
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=t, is_correct=right) for t, right in choices
        )
    return question


def start_thread(course: Course, *, by: User, title: str, body: str) -> Thread:
    """Open a discussion topic in the course (admitted teachers and moderators)."""
    if not by.has_perm("learning.discuss_course", course):
        raise LearningError(_("只有本课程的学员和管理者可以参与讨论。"))
    return Thread.objects.create(course=course, author=by, title=title.strip(), body=body.strip())


def reply_to(thread: Thread, *, by: User, body: str) -> Reply:
    """Answer in a topic; the topic rises to the top of the list (after the pinned ones)."""
    if thread.is_hidden or not by.has_perm("learning.discuss_course", thread.course):
        raise LearningError(_("不能回复这个主题。"))
    with transaction.atomic():
        reply = Reply.objects.create(thread=thread, author=by, body=body.strip())
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=reply.created_at)
    return reply


def moderate_thread(
    thread: Thread, *, by: User, pinned: bool | None = None, hidden: bool | None = None
) -> Thread:
    """Pin or unpin, hide or show a topic (the course's center and the region's group leaders)."""
    if not by.has_perm("learning.moderate_course", thread.course):
        raise LearningError(_("您不能管理本课程的讨论。"))
    if pinned is not None:
        thread.is_pinned = pinned
    if hidden is not None:
        thread.is_hidden = hidden
    thread.save(update_fields=["is_pinned", "is_hidden"])
    return thread


def hide_reply(reply: Reply, *, by: User, hidden: bool = True) -> Reply:
    if not by.has_perm("learning.moderate_course", reply.thread.course):
        raise LearningError(_("您不能管理本课程的讨论。"))
    reply.is_hidden = hidden
    reply.save(update_fields=["is_hidden"])
    return reply
