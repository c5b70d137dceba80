"""Fixtures for online study: both study stores, an admitted learner and a cheating client."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import redis

from tests.factories import TeacherFactory, UserFactory
from tests.learning.factories import VideoUnitFactory, admit
from yanxiu.learning.judge import HEARTBEAT_SECONDS, Heartbeat, Verdict
from yanxiu.learning.models import CourseUnit, StudyLimits
from yanxiu.learning.services import record_heartbeat
from yanxiu.learning.store import MemoryStudyStore, RedisStudyStore, StudyStore
from yanxiu.orgs.models import Teacher, User, Zone

# Redis database 8 is this app's for tests; keys carry their own prefix besides.
TEST_REDIS_URL = "redis://127.0.0.1:6379/8"
# 10:00 in Shanghai, far from midnight so the daily cap is the only day rule in play.
T0 = datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.UTC).timestamp()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[StudyStore]:
    chosen: StudyStore
    if request.param == "redis":
        # One prefix per process, so parallel test workers never clear each other's keys.
        client = redis.Redis.from_url(TEST_REDIS_URL)
        chosen = RedisStudyStore(client, prefix=f"test-study-{os.getpid()}")
    else:
        chosen = MemoryStudyStore()
    chosen.clear()
    yield chosen
    chosen.clear()


@pytest.fixture
def learner(zone: Zone) -> Teacher:
    """A teacher of another school of ``zone``: in the root personas' region, not ``school``."""
    return TeacherFactory(school__zone=zone, user=UserFactory(username="learner"))


@pytest.fixture
def video(learner: Teacher) -> CourseUnit:
    """A published 10-minute video of an online course the learner is admitted to."""
    unit = VideoUnitFactory(course__region=learner.region)
    admit(learner, unit.course)
    return unit


@pytest.fixture
def study_limits(learner: Teacher) -> StudyLimits:
    return StudyLimits.objects.create(region=learner.region)


@dataclass
class FakePlayer:
    """A player whose heartbeats and the server's clock are both under the test's control.

    ``position`` is where the player says the video is; ``now`` is the server's clock.
    """

    teacher: Teacher
    unit: CourseUnit
    store: StudyStore
    now: float = T0
    position: float = 0.0
    seq: int = 0
    view: str = "tab-1"
    verdicts: list[Verdict] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def beat(
        self,
        *,
        after: float = HEARTBEAT_SECONDS,
        advance: float | None = None,
        position: float | None = None,
        playing: bool = True,
        visible: bool = True,
        rate: float = 1.0,
        seq: int | None = None,
        unit: CourseUnit | None = None,
        view: str | None = None,
    ) -> Verdict:
        """Send one heartbeat ``after`` server seconds; the video moved ``advance`` (default: as
        far as real time at ``rate`` when playing)."""
        self.now += after
        if position is None:
            step = advance if advance is not None else (after * rate if playing else 0.0)
            position = self.position + step
        self.position = position
        if seq is None:
            self.seq += 1
            seq = self.seq
        beat = Heartbeat(
            unit_id=(unit or self.unit).pk,
            view=view or self.view,
            seq=seq,
            position=position,
            playing=playing,
            visible=visible,
            rate=rate,
        )
        verdict = record_heartbeat(self.teacher, beat, store=self.store, time_source=self.clock)
        self.verdicts.append(verdict)
        if verdict.clamp_to is not None:
            self.position = verdict.clamp_to
        return verdict

    def start(self) -> Verdict:
        return self.beat(after=0, position=self.position)

    def watch(self, seconds: float, **kwargs: object) -> None:
        """Heartbeats every 15 s for ``seconds`` of server time, all with the same behaviour."""
        for _ in range(int(seconds // HEARTBEAT_SECONDS)):
            self.beat(**kwargs)  # type: ignore[arg-type]


@pytest.fixture
def player(learner: Teacher, video: CourseUnit, store: StudyStore) -> FakePlayer:
    return FakePlayer(learner, video, store)


def counted(store: StudyStore, teacher: Teacher) -> float:
    """Seconds credited so far in the learner's live state, over all sessions."""
    state = store.read(teacher.pk)
    assert state is not None
    sessions = [*state.ended, *([state.session] if state.session else [])]
    return sum(s.counted for s in sessions)


def user_of(teacher: Teacher) -> User:
    assert teacher.user is not None
    return teacher.user
