"""The live-state stores: a change that raced another is redone, never lost or doubled."""

from __future__ import annotations

import os

import pytest
import redis

from tests.learning.conftest import TEST_REDIS_URL
from yanxiu.learning.judge import Limits, StudyState
from yanxiu.learning.store import RedisStudyStore, StudyStore

LIMITS = Limits(daily_cap_seconds=3600, idle_prompt_seconds=900, watched_share=90)


def _add_day_seconds(seconds: float):
    def change(state: StudyState | None) -> tuple[StudyState, float]:
        state = state or StudyState(rules=LIMITS)
        state.days["2026-11-23"] = state.days.get("2026-11-23", 0.0) + seconds
        return state, state.days["2026-11-23"]

    return change


def test_a_change_is_stored_and_read_back(store: StudyStore):
    assert store.update(7, _add_day_seconds(20)) == 20
    assert store.update(7, _add_day_seconds(15)) == 35
    state = store.read(7)
    assert state is not None
    assert state.days == {"2026-11-23": 35}


def test_a_state_set_to_none_is_gone_and_no_longer_dirty(store: StudyStore):
    store.update(7, lambda state: (StudyState(rules=LIMITS, units={}), None))
    store.update(7, lambda state: (None, None))
    assert store.read(7) is None
    assert store.dirty() == []


def test_many_changes_at_once_each_apply_to_their_own_learner(store: StudyStore):
    store.update(7, _add_day_seconds(20))
    assert store.update_many({7: _add_day_seconds(10), 8: _add_day_seconds(5)}) == {7: 30, 8: 5}
    assert store.update_many({}) == {}
    assert store.read(8).days == {"2026-11-23": 5}  # type: ignore[union-attr]


@pytest.mark.parametrize("many", [False, True], ids=["update", "update_many"])
def test_a_change_racing_another_worker_is_redone_on_the_fresh_state(many: bool):
    # (The memory store holds one lock over each change: nothing can race it.)
    prefix = f"test-store-race-{os.getpid()}"
    store = RedisStudyStore(redis.Redis.from_url(TEST_REDIS_URL), prefix=prefix)
    other_worker = RedisStudyStore(redis.Redis.from_url(TEST_REDIS_URL), prefix=prefix)
    store.clear()
    store.update(7, _add_day_seconds(20))
    calls = []

    def raced(state: StudyState | None) -> tuple[StudyState, float]:
        calls.append(state)
        if len(calls) == 1:
            # Between this change's read and its write, another worker adds 5 s.
            other_worker.update(7, _add_day_seconds(5))
        return _add_day_seconds(10)(state)

    try:
        if many:
            assert store.update_many({7: raced, 8: _add_day_seconds(1)}) == {7: 35, 8: 1}
        else:
            assert store.update(7, raced) == 35
        assert len(calls) == 2
        state = store.read(7)
        assert state is not None
        assert state.days == {"2026-11-23": 35}
    finally:
        store.clear()
