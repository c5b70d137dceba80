"""Cheating players earn nothing extra: each rule of the study clock against a client that lies.

Every test runs against the in-memory store and the real Redis (database 8).
"""

from __future__ import annotations

import pytest

from tests.learning.conftest import FakePlayer, counted
from tests.learning.factories import VideoUnitFactory
from yanxiu.learning.judge import Reason
from yanxiu.learning.models import StudyLimits

pytestmark = pytest.mark.django_db


def test_an_honest_viewer_earns_the_real_time_watched(player: FakePlayer):
    player.start()
    player.watch(60)
    assert counted(player.store, player.teacher) == 60


def test_the_first_heartbeat_of_a_session_earns_nothing(player: FakePlayer):
    verdict = player.start()
    assert verdict.credited == 0


def test_a_hidden_tab_earns_nothing(player: FakePlayer):
    player.start()
    player.watch(60, visible=False)
    assert counted(player.store, player.teacher) == 0
    assert player.verdicts[-1].reason == Reason.HIDDEN


def test_a_paused_video_earns_nothing(player: FakePlayer):
    player.start()
    player.watch(60, playing=False)
    assert counted(player.store, player.teacher) == 0
    assert player.verdicts[-1].reason == Reason.PAUSED


def test_a_stalled_video_earns_only_what_it_played(player: FakePlayer):
    player.start()
    player.watch(60, advance=5)
    assert counted(player.store, player.teacher) == 20


@pytest.mark.parametrize("rate", [2.0, 16.0])
def test_playing_faster_than_real_time_earns_nothing(player: FakePlayer, rate: float):
    player.start()
    player.watch(60, rate=rate)
    assert counted(player.store, player.teacher) == 0
    assert player.verdicts[-1].reason == Reason.SPEED


def test_playing_at_16x_while_reporting_1x_is_a_refused_seek(player: FakePlayer):
    player.start()
    player.watch(60, advance=16 * 15)
    assert counted(player.store, player.teacher) == 0
    assert player.verdicts[-1].reason == Reason.SEEK


def test_jumping_to_the_end_is_refused_and_clamped(player: FakePlayer):
    player.start()
    player.watch(30)
    verdict = player.beat(position=player.unit.duration_seconds)
    assert verdict.credited == 0
    assert verdict.clamp_to == 30
    assert counted(player.store, player.teacher) == 30


def test_a_session_starting_past_the_furthest_point_is_clamped(player: FakePlayer):
    player.position = 500
    verdict = player.start()
    assert verdict.clamp_to == 0


def test_seeking_back_to_rewatch_is_allowed_but_the_jump_earns_nothing(player: FakePlayer):
    player.start()
    player.watch(60)
    player.beat(position=10)
    player.watch(30)
    assert counted(player.store, player.teacher) == 90


def test_two_videos_at_once_earn_nothing(player: FakePlayer):
    other = VideoUnitFactory(course=player.unit.course)
    player.start()
    for i in range(8):
        player.beat(after=7.5, unit=other, view="tab-2", position=15 * i)
        player.beat(after=7.5, view="tab-1", position=15 * (i + 1))
    assert counted(player.store, player.teacher) == 0
    state = player.store.read(player.teacher.pk)
    assert state is not None
    assert state.ended[0].uncounted[Reason.PARALLEL] == 7.5


def test_two_tabs_on_the_same_video_earn_nothing(player: FakePlayer):
    player.start()
    for i in range(8):
        player.beat(after=7.5, view="tab-2", position=15 * i)
        player.beat(after=7.5, view="tab-1", position=15 * (i + 1))
    assert counted(player.store, player.teacher) == 0


def test_replayed_heartbeats_are_ignored(player: FakePlayer):
    player.start()
    player.watch(30)
    replay = player.beat(after=10, seq=player.seq, advance=10)
    older = player.beat(after=5, seq=1, advance=5)
    assert (replay.reason, older.reason) == (Reason.REPLAY, Reason.REPLAY)
    assert counted(player.store, player.teacher) == 30
    state = player.store.read(player.teacher.pk)
    assert state is not None
    assert state.session is not None
    assert state.session.ignored == 2


def test_heartbeats_sent_faster_than_real_time_earn_only_real_time(player: FakePlayer):
    player.start()
    for _ in range(30):
        player.beat(after=1, advance=15)
    assert counted(player.store, player.teacher) == 0


def test_a_client_clock_running_fast_earns_nothing_extra(player: FakePlayer):
    # The client believes 15 s pass between its heartbeats; the server saw 5.
    player.start()
    player.watch(60, after=5, advance=15)
    assert counted(player.store, player.teacher) == 0


def test_a_long_gap_between_heartbeats_counts_at_most_one_window(player: FakePlayer):
    player.start()
    verdict = player.beat(after=30, advance=30)
    assert verdict.credited == 20
    assert verdict.reason == ""


def test_silence_ends_the_session_and_the_next_one_starts_from_zero(player: FakePlayer):
    player.start()
    player.watch(30)
    verdict = player.beat(after=120, advance=120)
    assert verdict.credited == 0
    state = player.store.read(player.teacher.pk)
    assert state is not None
    assert len(state.ended) == 1


def test_an_unanswered_idle_prompt_stops_counting(player: FakePlayer, study_limits: StudyLimits):
    study_limits.idle_prompt_minutes = 1
    study_limits.save()
    player.start()
    player.watch(60)
    assert player.verdicts[-1].prompt
    player.watch(60)
    assert counted(player.store, player.teacher) == 60
    assert player.verdicts[-1].reason == Reason.IDLE


def test_answering_the_idle_prompt_resumes_counting(player: FakePlayer, study_limits: StudyLimits):
    from yanxiu.learning.services import answer_idle_prompt

    study_limits.idle_prompt_minutes = 1
    study_limits.save()
    player.start()
    player.watch(90)
    assert answer_idle_prompt(player.teacher, player.verdicts[-1].prompt, store=player.store)
    player.watch(30)
    assert counted(player.store, player.teacher) == 90


def test_a_wrong_answer_to_the_idle_prompt_is_refused(
    player: FakePlayer, study_limits: StudyLimits
):
    from yanxiu.learning.services import answer_idle_prompt

    study_limits.idle_prompt_minutes = 1
    study_limits.save()
    player.start()
    player.watch(60)
    assert not answer_idle_prompt(player.teacher, "guess", store=player.store)


def test_the_daily_cap_stops_counting(player: FakePlayer, study_limits: StudyLimits):
    study_limits.daily_cap_minutes = 1
    study_limits.save()
    player.start()
    player.watch(120)
    assert counted(player.store, player.teacher) == 60
    assert player.verdicts[-1].reason == Reason.DAILY_CAP


def test_the_daily_cap_spans_every_video_of_the_day(player: FakePlayer, study_limits: StudyLimits):
    study_limits.daily_cap_minutes = 1
    study_limits.save()
    other = VideoUnitFactory(course=player.unit.course)
    player.start()
    player.watch(45)
    player.beat(after=60, unit=other, view="tab-2", position=0)
    player.watch(45, unit=other, view="tab-2")
    assert counted(player.store, player.teacher) == 60


def test_a_video_never_counts_more_than_its_length(player: FakePlayer):
    short = VideoUnitFactory(course=player.unit.course, duration_seconds=30)
    player.unit = short
    player.start()
    player.watch(30)
    player.beat(position=0)
    player.watch(30)
    assert counted(player.store, player.teacher) == 30


def test_a_unit_of_a_course_not_taken_cannot_be_studied(player: FakePlayer):
    from yanxiu.learning.services import LearningError

    player.unit = VideoUnitFactory()
    with pytest.raises(LearningError):
        player.start()


def test_an_unpublished_unit_cannot_be_studied(player: FakePlayer):
    from yanxiu.learning.services import LearningError

    player.unit = VideoUnitFactory(course=player.unit.course, is_published=False)
    with pytest.raises(LearningError):
        player.start()


def test_a_closed_course_no_longer_counts(player: FakePlayer):
    from yanxiu.learning.services import LearningError
    from yanxiu.training.models import CourseStatus

    player.unit.course.status = CourseStatus.CLOSED
    player.unit.course.save()
    with pytest.raises(LearningError):
        player.start()
