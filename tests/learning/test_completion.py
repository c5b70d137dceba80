"""A unit completes on watched share plus its quiz; a course completes once and posts its hours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.learning.conftest import FakePlayer
from tests.learning.factories import VideoUnitFactory, add_question
from yanxiu.credits.models import Category, CreditEntry
from yanxiu.learning.models import CourseCompletion, CourseUnit, UnitKind, UnitProgress
from yanxiu.learning.services import mark_viewed, submit_quiz
from yanxiu.orgs.models import Teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_video(player: FakePlayer) -> CourseUnit:
    """The course's only unit: a one-minute video (90% = 54 s)."""
    player.unit.duration_seconds = 60
    player.unit.save()
    return player.unit


def answer_right(teacher: Teacher, unit: CourseUnit) -> None:
    answers = {q.pk: q.choices.get(is_correct=True).pk for q in unit.questions.all()}
    submit_quiz(teacher, unit, answers)


def test_watching_most_of_the_video_completes_it_at_once(player: FakePlayer, short_video):
    player.start()
    player.watch(45)
    assert not UnitProgress.objects.filter(completed_at__isnull=False).exists()
    player.watch(15)
    progress = UnitProgress.objects.get()
    assert progress.watched_at is not None
    assert progress.completed_at is not None


def test_finishing_the_course_posts_its_hours_once_in_the_online_category(
    player: FakePlayer, short_video
):
    player.start()
    player.watch(60)
    entry = CreditEntry.objects.get(teacher=player.teacher)
    assert (entry.category, entry.amount) == (Category.ONLINE, Decimal("10"))
    assert entry.source_id == short_video.course.pk
    assert CourseCompletion.objects.get().credit_entry == entry


def test_rewatching_a_finished_course_posts_nothing_more(player: FakePlayer, short_video):
    player.start()
    player.watch(60)
    player.beat(position=0)
    player.watch(60)
    assert CreditEntry.objects.filter(teacher=player.teacher).count() == 1


def test_a_video_with_a_quiz_needs_the_quiz_passed(player: FakePlayer, short_video):
    add_question(short_video)
    player.start()
    player.watch(60)
    assert UnitProgress.objects.get().completed_at is None
    answer_right(player.teacher, short_video)
    assert UnitProgress.objects.get().completed_at is not None
    assert CreditEntry.objects.filter(teacher=player.teacher).count() == 1


def test_a_quiz_below_the_pass_mark_does_not_pass(learner: Teacher, video: CourseUnit):
    quiz = VideoUnitFactory(course=video.course, kind=UnitKind.QUIZ, duration_seconds=0)
    first = add_question(quiz)
    add_question(quiz, text="第二题")
    attempt = submit_quiz(learner, quiz, {first.pk: first.choices.get(is_correct=True).pk})
    assert (attempt.score, attempt.passed) == (50, False)


def test_the_pass_mark_is_the_units_own(learner: Teacher, video: CourseUnit):
    quiz = VideoUnitFactory(course=video.course, kind=UnitKind.QUIZ, pass_mark=50)
    first = add_question(quiz)
    add_question(quiz, text="第二题")
    attempt = submit_quiz(learner, quiz, {first.pk: first.choices.get(is_correct=True).pk})
    assert attempt.passed


def test_a_course_is_not_complete_while_a_required_unit_is_not(player: FakePlayer, short_video):
    VideoUnitFactory(course=short_video.course, kind=UnitKind.PAGE)
    player.start()
    player.watch(60)
    assert not CourseCompletion.objects.exists()


def test_an_optional_unit_is_not_needed_to_complete_the_course(player: FakePlayer, short_video):
    VideoUnitFactory(course=short_video.course, kind=UnitKind.PAGE, is_required=False)
    player.start()
    player.watch(60)
    assert CourseCompletion.objects.exists()


def test_opening_the_last_page_completes_the_course(player: FakePlayer, short_video):
    page = VideoUnitFactory(course=short_video.course, kind=UnitKind.PAGE)
    player.start()
    player.watch(60)
    mark_viewed(player.teacher, page)
    assert CreditEntry.objects.filter(teacher=player.teacher).count() == 1


def test_a_page_with_a_reading_time_completes_only_when_read_on_the_clock(
    player: FakePlayer, short_video
):
    page = VideoUnitFactory(course=short_video.course, kind=UnitKind.PAGE, duration_seconds=30)
    reader = FakePlayer(player.teacher, page, player.store, now=player.now)
    mark_viewed(reader.teacher, page)  # opening it is not reading it
    assert UnitProgress.objects.get(unit=page).completed_at is None
    reader.start()
    reader.watch(15, visible=False, playing=False)  # another tab in front: the clock stops
    reader.watch(30)
    progress = UnitProgress.objects.get(unit=page)
    assert (progress.counted_seconds, progress.completed_at is not None) == (30, True)


def test_reading_time_is_judged_by_the_video_rules(player: FakePlayer, short_video):
    page = VideoUnitFactory(course=short_video.course, kind=UnitKind.DOCUMENT, duration_seconds=60)
    reader = FakePlayer(player.teacher, page, player.store, now=player.now)
    reader.start()
    reader.watch(30, rate=2)  # a clock run twice as fast earns real time only
    verdict = reader.beat(position=reader.position + 600)  # a jump to the end is refused
    assert verdict.clamp_to is not None
    state = reader.store.read(reader.teacher.pk)
    assert state is not None
    assert state.units[page.pk].counted <= 30
