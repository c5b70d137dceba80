"""An honest learner gets the full length and no warning; a warning names the true reason.

Real players report with jitter: the position is sampled in steps (a reading clock every
250 ms) and reports cross the network with different delays, so one window's advance
falls a little short of server time and the next one's runs a little over.
"""

from __future__ import annotations

import pytest

from tests.learning.conftest import FakePlayer, counted
from tests.learning.factories import VideoUnitFactory
from yanxiu.learning.judge import Reason

pytestmark = pytest.mark.django_db


def short_player(player: FakePlayer, seconds: int) -> FakePlayer:
    player.unit = VideoUnitFactory(course=player.unit.course, duration_seconds=seconds)
    return player


def test_a_jittered_honest_watch_counts_the_full_length_without_a_warning(player: FakePlayer):
    player = short_player(player, 30)
    player.start()
    # The report at 15 s left 0.2 s later than the player sampled its position.
    player.beat(after=15.2, advance=15.0)
    player.beat(after=14.8, advance=15.0)
    assert counted(player.store, player.teacher) == 30
    assert [v.reason for v in player.verdicts] == ["", "", ""]


def test_a_reading_clock_sampled_every_quarter_second_never_shows_a_stall(player: FakePlayer):
    player = short_player(player, 60)
    player.start()
    for lag in (0.25, 0.0, 0.25, 0.0):
        player.beat(after=15, position=player.position + 15 - lag)
        player.position += lag
    assert counted(player.store, player.teacher) == 60
    assert Reason.STALLED not in [v.reason for v in player.verdicts]


def test_a_real_stall_after_jitter_still_warns_and_earns_only_what_played(player: FakePlayer):
    player.start()
    player.beat(after=15, advance=14.5)
    verdict = player.beat(after=15, advance=5)
    assert verdict.reason == Reason.STALLED
    assert counted(player.store, player.teacher) == pytest.approx(19.5)


def test_opening_the_next_unit_after_one_ended_blames_no_parallel_study(player: FakePlayer):
    player = short_player(player, 30)
    first = player.unit
    player.start()
    player.watch(30)
    following = VideoUnitFactory(course=first.course)
    player.position = 0
    player.beat(after=5, unit=following, view="tab-2")
    state = player.store.read(player.teacher.pk)
    assert state is not None
    assert Reason.PARALLEL not in state.ended[0].uncounted


def test_opening_another_unit_after_pausing_this_one_blames_no_parallel_study(
    player: FakePlayer,
):
    player.start()
    player.beat(after=15)
    player.beat(after=3, advance=3, playing=True)
    player.beat(after=10, playing=False)
    following = VideoUnitFactory(course=player.unit.course)
    player.position = 0
    player.beat(after=5, unit=following, view="tab-2")
    state = player.store.read(player.teacher.pk)
    assert state is not None
    assert Reason.PARALLEL not in state.ended[0].uncounted
