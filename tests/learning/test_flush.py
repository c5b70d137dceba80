"""Live study states reach the database in batches, with every session and its reasons."""

from __future__ import annotations

import time
from io import StringIO

import pytest

from tests.factories import TeacherFactory
from tests.learning.conftest import FakePlayer
from tests.learning.factories import admit
from tests.queries import assert_constant_queries
from yanxiu.learning.models import StudyDay, StudySession, UnitProgress
from yanxiu.learning.services import FlushResult, flush_study

pytestmark = pytest.mark.django_db


def flush(player: FakePlayer) -> None:
    flush_study(store=player.store, time_source=player.clock)


def test_heartbeats_write_nothing_to_the_database_until_the_flush(player: FakePlayer):
    player.start()
    player.watch(60)
    assert not StudySession.objects.exists()


def test_the_flush_saves_the_session_with_its_counted_and_uncounted_seconds(player: FakePlayer):
    player.start()
    player.watch(30)
    player.watch(30, visible=False)
    player.watch(15, playing=False)
    flush(player)
    session = StudySession.objects.get()
    assert session.counted_seconds == 30
    assert session.uncounted == {"hidden": 30, "paused": 15}
    assert session.heartbeats == 6
    assert session.is_open
    assert (session.ended_at - session.started_at).total_seconds() == 75


def test_the_flush_writes_the_units_progress_and_the_days_total(player: FakePlayer):
    player.start()
    player.watch(45)
    flush(player)
    progress = UnitProgress.objects.get()
    assert (progress.counted_seconds, progress.furthest_position) == (45, 45)
    assert StudyDay.objects.get().counted_seconds == 45


def test_a_silent_session_is_closed_by_the_flush(player: FakePlayer):
    player.start()
    player.watch(30)
    player.now += 300
    flush(player)
    assert not StudySession.objects.get().is_open
    assert player.store.dirty() == []


def test_flushing_twice_writes_the_same_rows(player: FakePlayer):
    player.start()
    player.watch(30)
    flush(player)
    flush(player)
    assert StudySession.objects.get().counted_seconds == 30
    assert UnitProgress.objects.get().counted_seconds == 30


def test_study_after_a_flush_keeps_adding_to_the_same_session(player: FakePlayer):
    player.start()
    player.watch(30)
    flush(player)
    player.watch(30)
    flush(player)
    assert StudySession.objects.get().counted_seconds == 60
    assert UnitProgress.objects.get().counted_seconds == 60


def test_a_new_session_resumes_from_the_flushed_progress(player: FakePlayer):
    player.start()
    player.watch(60)
    player.now += 300
    flush(player)
    assert player.store.read(player.teacher.pk) is None
    player.view = "tab-2"
    player.start()
    player.watch(30)
    flush(player)
    assert UnitProgress.objects.get().counted_seconds == 90
    assert StudySession.objects.count() == 2
    assert StudyDay.objects.get().counted_seconds == 90


def test_a_lost_redis_state_loses_only_unflushed_seconds(player: FakePlayer):
    player.start()
    player.watch(60)
    flush(player)
    player.watch(30)
    player.store.clear()
    player.view = "tab-2"
    player.start()
    player.watch(15)
    flush(player)
    assert UnitProgress.objects.get().counted_seconds == 75


def studying(video, store, learners: int) -> list[FakePlayer]:
    players = []
    for _ in range(learners):
        teacher = TeacherFactory(school__zone__region=video.course.region)
        admit(teacher, video.course)
        player = FakePlayer(teacher, video, store)
        player.start()
        player.watch(30)
        players.append(player)
    return players


def test_the_flush_of_many_learners_takes_a_fixed_number_of_queries(store, video):
    players: list[FakePlayer] = []
    # Three bulk upserts, inside a savepoint and its release, for 5 learners as for 50.
    result = assert_constant_queries(
        lambda n: players.extend(studying(video, store, n)),
        lambda: flush_study(store=store, time_source=players[0].clock),
        at_most=5,
    )
    assert (result.learners, result.sessions) == (50, 50)
    assert StudySession.objects.count() == 50


def test_a_spread_flush_starts_its_batches_at_even_intervals(store, video, monkeypatch):
    monkeypatch.setattr("yanxiu.learning.services.FLUSH_BATCH", 2)
    players = studying(video, store, 5)
    waits: list[float] = []
    result = flush_study(
        store=store, time_source=players[0].clock, spread_over=30, sleep=waits.append
    )
    # Three batches over 30 s: the first at once, the others 10 s and 20 s after it.
    assert len(waits) == 2
    assert 9 < waits[0] <= 10
    assert 19 < waits[1] <= 20
    assert (result.learners, StudySession.objects.count()) == (5, 5)


def test_the_flush_loop_spreads_each_flush_over_its_period(monkeypatch):
    from django.core.management import call_command

    from yanxiu.learning.management.commands import flush_study as command

    spreads: list[float] = []

    class Stop(Exception):
        pass

    def flush(*, spread_over: float) -> FlushResult:
        spreads.append(spread_over)
        return FlushResult(learners=3, sessions=4)

    def sleep(seconds: float) -> None:
        assert 0 < seconds <= 60
        raise Stop

    monkeypatch.setattr(command, "flush_study", flush)
    monkeypatch.setattr(time, "sleep", sleep)
    with pytest.raises(Stop):
        call_command("flush_study", every=60, stdout=StringIO())
    assert spreads == [60]


def test_the_flush_command_writes_the_live_states(learner, video, monkeypatch):
    from django.core.management import call_command

    from yanxiu.learning.store import MemoryStudyStore

    memory = MemoryStudyStore()
    monkeypatch.setattr("yanxiu.learning.services.get_store", lambda: memory)
    player = FakePlayer(learner, video, memory)
    player.start()
    player.watch(30)
    out = StringIO()
    call_command("flush_study", stdout=out)
    assert "1 learners, 1 sessions" in out.getvalue()
    assert StudySession.objects.get().counted_seconds == 30


def test_the_flush_task_writes_the_live_states(learner, video, monkeypatch):
    from yanxiu.learning.store import MemoryStudyStore
    from yanxiu.learning.tasks import flush_study_states

    memory = MemoryStudyStore()
    monkeypatch.setattr("yanxiu.learning.services.get_store", lambda: memory)
    player = FakePlayer(learner, video, memory)
    player.start()
    player.watch(15)
    assert flush_study_states.enqueue().return_value == 1
    assert StudySession.objects.get().counted_seconds == 15


def test_a_flush_does_not_revisit_units_already_marked_watched(
    player: FakePlayer, django_assert_num_queries
):
    player.unit.duration_seconds = 30
    player.unit.save()
    player.start()
    player.watch(30)
    player.beat(position=0)
    # Three upserts in a savepoint, and one look for newly watched units.
    with django_assert_num_queries(6):
        flush(player)


def test_an_older_snapshot_never_lowers_a_written_total(player: FakePlayer):
    from yanxiu.learning.services import _write

    player.start()
    player.watch(15)
    older = player.store.read(player.teacher.pk)
    player.watch(30)
    flush(player)
    assert older is not None
    _write({player.teacher.pk: older})
    assert UnitProgress.objects.get().counted_seconds == 45
    assert StudyDay.objects.get().counted_seconds == 45
