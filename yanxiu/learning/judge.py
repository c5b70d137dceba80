"""The rules that decide how much of a learner's time counts — server time only.

The player sends a heartbeat about every ``HEARTBEAT_SECONDS``. ``judge`` takes the
learner's ``StudyState`` (kept in Redis between heartbeats), one heartbeat and the
server's clock reading, and credits at most the server-measured time since the
previous accepted heartbeat, capped at ``WINDOW_CAP``, and only when the tab was
visible, the video playing at rate ≤ 1, the position advanced no faster than real
time and no further than the furthest point already watched, no idle prompt is
pending, and the day's cap is not reached. Nothing the client says about time is
used. Everything not credited is booked to a ``Reason``.

This module is pure (Django serves only the reasons' labels): no database, no Redis,
no clock of its own; ``Loader`` supplies what is missing from the state (a unit's
facts, the region's study limits, the day's total).
"""

from __future__ import annotations

import datetime
import json
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from yanxiu.core.errors import DomainError

HEARTBEAT_SECONDS = 15
# Network and timer jitter tolerated on top of the heartbeat interval.
TOLERANCE_SECONDS = 5
# The most one heartbeat can ever credit, whatever the gap since the previous one.
WINDOW_CAP = HEARTBEAT_SECONDS + TOLERANCE_SECONDS
# Silence after which a session is over (two missed heartbeats).
SESSION_TIMEOUT = 2 * HEARTBEAT_SECONDS + TOLERANCE_SECONDS
# Video position allowed ahead of server-measured time: the player's clock ticks in
# steps and two reports may cross the network with different delays. Slack never adds
# credit (a report credits at most the server time since the previous one); it only
# keeps an honest player from being clamped back by jitter.
POSITION_SLACK = float(TOLERANCE_SECONDS)
# How far an honest player's advance may fall short of server time in one window: its
# position is sampled in steps and reports cross the network with different delays.
# Such a shortfall is no stall; it is kept as spare real time that the next window's
# advance may use, so an honest learner gets the full length and no warning.
JITTER_SECONDS = 1.0
LOCAL_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


class Reason(models.TextChoices):
    """Why seconds did not count."""

    HIDDEN = "hidden", _("页面不可见，不计时")
    PAUSED = "paused", _("视频暂停，不计时")
    STALLED = "stalled", _("播放停滞或心跳中断，部分不计时")
    SPEED = "speed", _("倍速播放不计时")
    PARALLEL = "parallel", _("同时学习其他单元，不计时")
    SEEK = "seek", _("不能跳过未观看的部分")
    REPLAY = "replay", _("重复的进度报告，已忽略")
    IDLE = "idle", _("请确认您仍在学习")
    DAILY_CAP = "daily_cap", _("已达今日学习时长上限")
    FULL = "full", _("本视频已计满时长")


class NotStudyable(DomainError):
    """The learner may not study this unit (not enrolled, not published, not a video)."""

    code = "not_studyable"


@dataclass
class Heartbeat:
    """What the player reports; only ``seq`` ordering and ``position`` are weighed, never time."""

    unit_id: int
    view: str
    seq: int
    position: float
    playing: bool
    visible: bool
    rate: float = 1.0


@dataclass
class Limits:
    daily_cap_seconds: int
    idle_prompt_seconds: int
    watched_share: int


@dataclass
class UnitTally:
    """A unit's running totals for this learner while it is in the state."""

    duration: int
    counted: float = 0.0
    furthest: float = 0.0
    watched: bool = False


@dataclass
class Session:
    key: str
    unit_id: int
    view: str
    started_at: float
    last_beat: float
    last_seq: int
    position: float
    counted: float = 0.0
    uncounted: dict[str, float] = field(default_factory=dict)
    beats: int = 1
    ignored: int = 0
    since_prompt: float = 0.0
    prompt: str = ""
    # Real time of earlier windows not yet credited because of jitter (≤ JITTER_SECONDS).
    spare: float = 0.0
    # Whether the last report said the video was playing in a visible tab.
    running: bool = False

    def book(self, reason: Reason, seconds: float) -> None:
        if seconds > 0:
            self.uncounted[reason] = self.uncounted.get(reason, 0.0) + seconds


@dataclass
class StudyState:
    """One learner's live state: the open session, ended sessions and tallies not yet flushed."""

    # The region's limits; still "rules" in the JSON that Redis keeps across a deploy.
    rules: Limits
    session: Session | None = None
    ended: list[Session] = field(default_factory=list)
    units: dict[int, UnitTally] = field(default_factory=dict)
    days: dict[str, float] = field(default_factory=dict)

    @property
    def has_pending_work(self) -> bool:
        return self.session is not None or bool(self.ended) or bool(self.units)

    def end_session(self) -> None:
        if self.session is not None:
            self.ended.append(self.session)
            self.session = None

    def to_json(self) -> str:
        # vars() of each nested dataclass: what asdict() gives, without its deep copies.
        return json.dumps(vars(self), default=vars, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> StudyState:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            rules=Limits(**data["rules"]),
            session=Session(**data["session"]) if data["session"] else None,
            ended=[Session(**s) for s in data["ended"]],
            units={int(k): UnitTally(**v) for k, v in data["units"].items()},
            days=data["days"],
        )


@dataclass
class Verdict:
    """What the server decided for one heartbeat, as the player is told."""

    credited: float = 0.0
    reason: str = ""
    clamp_to: float | None = None
    prompt: str = ""
    unit_counted: float = 0.0
    watched: bool = False
    newly_watched: bool = False


class Loader(Protocol):
    def unit(self, unit_id: int) -> UnitTally: ...
    def limits(self) -> Limits: ...
    def day_counted(self, day: str) -> float: ...


def local_day(now: float) -> str:
    return datetime.datetime.fromtimestamp(now, LOCAL_ZONE).date().isoformat()


def judge(
    state: StudyState | None,
    beat: Heartbeat,
    now: float,
    loader: Loader,
    new_key: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> tuple[StudyState, Verdict]:
    """Apply one heartbeat received at server time ``now``; returns the new state and verdict."""
    if state is None:
        state = StudyState(rules=loader.limits())
    day = local_day(now)
    if day not in state.days:
        state.days[day] = loader.day_counted(day)
    session = state.session
    if session is not None and now - session.last_beat > SESSION_TIMEOUT:
        state.end_session()
    elif session is not None and (session.unit_id, session.view) != (beat.unit_id, beat.view):
        # Another unit or another tab while this one is live: it ends, and the new one
        # starts from zero, so alternating between tabs never counts anything. Only a
        # unit still playing short of its end is blamed: one that ended or was paused
        # was left for the next unit, not studied alongside it.
        tally = state.units[session.unit_id]
        if session.running and session.position < tally.duration:
            session.book(Reason.PARALLEL, min(now - session.last_beat, WINDOW_CAP))
        state.end_session()
    if state.session is None:
        return _start(state, beat, now, loader, new_key())
    return state, _continue(state, state.session, beat, now, day)


def _start(
    state: StudyState, beat: Heartbeat, now: float, loader: Loader, key: str
) -> tuple[StudyState, Verdict]:
    tally = state.units.get(beat.unit_id) or loader.unit(beat.unit_id)
    state.units[beat.unit_id] = tally
    verdict = Verdict(unit_counted=tally.counted, watched=tally.watched)
    position = max(0.0, beat.position)
    if position > tally.furthest + POSITION_SLACK:
        verdict.reason, verdict.clamp_to = Reason.SEEK, tally.furthest
        position = tally.furthest
    state.session = Session(
        key=key,
        unit_id=beat.unit_id,
        view=beat.view,
        started_at=now,
        last_beat=now,
        last_seq=beat.seq,
        position=position,
        running=beat.playing and beat.visible,
    )
    return state, verdict


def _continue(
    state: StudyState, session: Session, beat: Heartbeat, now: float, day: str
) -> Verdict:
    tally = state.units[session.unit_id]
    if beat.seq <= session.last_seq:
        session.ignored += 1
        return Verdict(
            reason=Reason.REPLAY,
            unit_counted=tally.counted,
            prompt=session.prompt,
            watched=tally.watched,
        )
    elapsed = max(0.0, now - session.last_beat)
    window = min(elapsed, WINDOW_CAP)
    session.book(Reason.STALLED, elapsed - window)
    session.last_beat, session.last_seq = now, beat.seq
    session.beats += 1

    verdict = Verdict()
    reference = max(session.position, tally.furthest)
    credit = 0.0
    voided = True
    if beat.rate > 1.0:
        verdict.reason, verdict.clamp_to = Reason.SPEED, session.position
    elif beat.position > min(reference + elapsed, tally.duration) + POSITION_SLACK:
        verdict.reason, verdict.clamp_to = Reason.SEEK, reference
    else:
        advance = beat.position - session.position
        session.position = max(0.0, beat.position)
        tally.furthest = max(tally.furthest, session.position)
        if not beat.visible:
            verdict.reason = Reason.HIDDEN
        elif not beat.playing:
            verdict.reason = Reason.PAUSED
        elif session.prompt:
            verdict.reason = Reason.IDLE
        else:
            voided = False
            credit = min(max(advance, 0.0), window + session.spare)
            session.spare -= max(0.0, credit - window)
            shortfall = window - credit
            if advance >= 0 and 0 < shortfall <= JITTER_SECONDS:
                session.spare = min(session.spare + shortfall, JITTER_SECONDS)
            elif shortfall > 0:
                # Buffering, or a jump back to rewatch: only the advance is real watching.
                verdict.reason = Reason.STALLED if advance >= 0 else Reason.SEEK
                session.book(Reason(verdict.reason), shortfall)
                session.spare = 0.0
            day_room = state.rules.daily_cap_seconds - state.days[day]
            credit = _cap(session, credit, day_room, Reason.DAILY_CAP, verdict)
            credit = _cap(session, credit, tally.duration - tally.counted, Reason.FULL, verdict)
    if voided:
        session.spare = 0.0
        session.book(Reason(verdict.reason), window)
    session.running = beat.playing and beat.visible

    session.counted += credit
    session.since_prompt += credit
    tally.counted += credit
    state.days[day] += credit
    if not session.prompt and session.since_prompt >= state.rules.idle_prompt_seconds:
        session.prompt = f"{session.key[:8]}{session.beats}"
    if not tally.watched and tally.counted >= tally.duration * state.rules.watched_share / 100:
        tally.watched = verdict.newly_watched = True
    verdict.credited = credit
    verdict.unit_counted = tally.counted
    verdict.watched = tally.watched
    verdict.prompt = session.prompt
    return verdict


def _cap(session: Session, credit: float, room: float, reason: Reason, verdict: Verdict) -> float:
    """Limit ``credit`` to ``room``, booking the rest to ``reason``."""
    allowed = max(0.0, min(credit, room))
    if allowed < credit:
        session.book(reason, credit - allowed)
        verdict.reason = reason
    return allowed


def answer_prompt(state: StudyState, token: str) -> bool:
    """The learner answered the idle prompt ``token``; counting resumes from the next heartbeat."""
    session = state.session
    if session is None or not session.prompt or session.prompt != token:
        return False
    session.prompt = ""
    session.since_prompt = 0.0
    return True


def close_if_silent(state: StudyState, now: float) -> None:
    """End the open session when the player has gone quiet (tab closed, network lost)."""
    if state.session is not None and now - state.session.last_beat > SESSION_TIMEOUT:
        state.end_session()
