"""Where live study states are kept between heartbeats: Redis in production, memory in the demo.

Heartbeats arrive far faster than a database should take rows, so each learner's
``StudyState`` lives in one Redis key, changed atomically per heartbeat (an optimistic
compare-and-set), and a set of "dirty" learners tells the flush which states
hold work for the database. The Redis URL comes from ``settings.STUDY_REDIS_URL`` or
the ``YANXIU_REDIS_URL`` environment variable; production must set one (several
gunicorn workers share nothing else). Without either — the single-process SQLite
demo — the same interface is served from process memory.

When Redis cannot be reached, every store call raises ``StudyStoreUnavailable``, so
callers answer "not counted, retry" (a 503) instead of a server error.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any, Protocol, TypeVar

import redis
from django.conf import settings
from django.utils.translation import gettext as _
from redis.client import Pipeline

from yanxiu.core.errors import DomainError
from yanxiu.learning.judge import StudyState

T = TypeVar("T")
# A state untouched this long is dropped: everything in it was flushed long before.
STATE_TTL_SECONDS = 2 * 24 * 3600
Change = Callable[[StudyState | None], tuple[StudyState | None, T]]
Raw = bytes | str | None
# A Redis that does not answer within this many seconds counts as down: a heartbeat
# must not hold a worker for long.
REDIS_TIMEOUT_SECONDS = 2.0


class StudyStoreUnavailable(DomainError):
    """The study store (Redis) cannot be reached; nothing was read or written."""

    # The player retries on this code; nothing of the heartbeat was counted.
    code = "study_store_unavailable"
    status = 503

    def __init__(self) -> None:
        super().__init__(_("学习计时服务暂时不可用，本次学习时长未计入，请稍后重试"))


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise StudyStoreUnavailable() from exc


class StudyStore(Protocol):
    def update(self, teacher_id: int, change: Change[T]) -> T:
        """Atomically read the learner's state, apply ``change``, write back what it returns."""
        ...

    def update_many(self, changes: Mapping[int, Change[T]]) -> dict[int, T]:
        """``update`` for many learners at once (the flush), each change atomic on its own."""
        ...

    def read(self, teacher_id: int) -> StudyState | None: ...

    def dirty(self) -> list[int]:
        """Learners whose state holds sessions or totals not yet in the database."""
        ...

    def pass_generation(self, teacher_id: int) -> int:
        """How many times the learner's study passes were revoked (0 when never)."""
        ...

    def revoke_passes(self, teacher_id: int) -> None:
        """Move the learner to the next pass generation: every pass issued before is void."""
        ...

    def clear(self) -> None: ...

    def ping(self) -> None:
        """Raise ``StudyStoreUnavailable`` unless the store answers."""
        ...


class MemoryStudyStore:
    """States in this process (the demo's runserver); serialized like Redis to behave the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[int, str] = {}
        self._dirty: set[int] = set()
        self._pass_generations: dict[int, int] = {}

    def update(self, teacher_id: int, change: Change[T]) -> T:
        with self._lock:
            raw = self._states.get(teacher_id)
            state, result = change(StudyState.from_json(raw) if raw else None)
            if state is None:
                self._states.pop(teacher_id, None)
            else:
                self._states[teacher_id] = state.to_json()
            if state is not None and state.has_pending_work:
                self._dirty.add(teacher_id)
            else:
                self._dirty.discard(teacher_id)
            return result

    def update_many(self, changes: Mapping[int, Change[T]]) -> dict[int, T]:
        return {teacher: self.update(teacher, change) for teacher, change in changes.items()}

    def read(self, teacher_id: int) -> StudyState | None:
        raw = self._states.get(teacher_id)
        return StudyState.from_json(raw) if raw else None

    def dirty(self) -> list[int]:
        return sorted(self._dirty)

    def pass_generation(self, teacher_id: int) -> int:
        return self._pass_generations.get(teacher_id, 0)

    def revoke_passes(self, teacher_id: int) -> None:
        with self._lock:
            self._pass_generations[teacher_id] = self.pass_generation(teacher_id) + 1

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self._dirty.clear()
            self._pass_generations.clear()

    def ping(self) -> None:
        """Process memory is always there."""


# Writes the new state (and the dirty mark) only if the key still holds what was read.
_COMPARE_AND_SET = """
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[2], ARGV[5])
else
  redis.call('SREM', KEYS[2], ARGV[5])
end
return 1
"""


class RedisStudyStore:
    """States in Redis, one key per learner, each change a read and a compare-and-set.

    Two round trips per heartbeat: GET, then a Lua script that writes the new state
    only if the key still holds what was read (else the change is retried from a
    fresh read). That is the WATCH/MULTI/EXEC guarantee with half the round trips.
    """

    def __init__(self, client: redis.Redis, prefix: str = "study") -> None:
        self.client = client
        self.prefix = prefix
        self._dirty_key = f"{prefix}:dirty"
        self._compare_and_set = client.register_script(_COMPARE_AND_SET)

    def _key(self, teacher_id: int) -> str:
        return f"{self.prefix}:state:{teacher_id}"

    def update(self, teacher_id: int, change: Change[T]) -> T:
        key = self._key(teacher_id)
        with _reachable():
            while True:
                raw: Raw = self.client.get(key)
                result, written = self._apply(teacher_id, raw, change, self.client)
                if written:
                    return result

    def update_many(self, changes: Mapping[int, Change[T]]) -> dict[int, T]:
        """One MGET and one pipeline of compare-and-sets for all; a learner whose state a
        heartbeat changed meanwhile is redone alone."""
        ids = list(changes)
        if not ids:
            return {}
        with _reachable():
            raws: list[Raw] = self.client.mget([self._key(t) for t in ids])
            pipe = self.client.pipeline(transaction=False)
            results = {
                t: self._apply(t, raw, changes[t], pipe)[0]
                for t, raw in zip(ids, raws, strict=True)
            }
            answers = pipe.execute()
        for teacher_id, written in zip(ids, answers, strict=True):
            if not written:
                results[teacher_id] = self.update(teacher_id, changes[teacher_id])
        return results

    def _apply(
        self, teacher_id: int, raw: Raw, change: Change[T], client: redis.Redis | Pipeline
    ) -> tuple[T, Any]:
        """Apply ``change`` to the state read as ``raw``; compare-and-set it through ``client``
        (whose answer, on a pipeline, comes with ``execute``)."""
        state, result = change(StudyState.from_json(raw) if raw else None)
        written = self._compare_and_set(
            keys=[self._key(teacher_id), self._dirty_key],
            args=[
                raw or b"",
                "" if state is None else state.to_json(),
                STATE_TTL_SECONDS,
                int(state is not None and state.has_pending_work),
                teacher_id,
            ],
            client=client,
        )
        return result, written

    def read(self, teacher_id: int) -> StudyState | None:
        with _reachable():
            raw = self.client.get(self._key(teacher_id))
        return StudyState.from_json(raw) if raw else None

    def dirty(self) -> list[int]:
        with _reachable():
            return sorted(int(m) for m in self.client.smembers(self._dirty_key))

    def _pass_key(self, teacher_id: int) -> str:
        # No expiry: an expired counter would read 0 again and refuse every pass issued
        # since the last revocation. One small counter per learner who ever signed out.
        return f"{self.prefix}:pass:{teacher_id}"

    def pass_generation(self, teacher_id: int) -> int:
        raw: Raw = self.client.get(self._pass_key(teacher_id))
        return int(raw) if raw else 0

    def revoke_passes(self, teacher_id: int) -> None:
        self.client.incr(self._pass_key(teacher_id))

    def clear(self) -> None:
        with _reachable():
            keys = list(self.client.scan_iter(f"{self.prefix}:*"))
            if keys:
                self.client.delete(*keys)

    def ping(self) -> None:
        with _reachable():
            self.client.ping()


def redis_url() -> str | None:
    """The study store's Redis URL, or None when states live in process memory (the demo)."""
    url: str | None = getattr(settings, "STUDY_REDIS_URL", None) or os.environ.get(
        "YANXIU_REDIS_URL"
    )
    return url or None


@cache
def get_store() -> StudyStore:
    """The process's store: Redis when a URL is configured, else this process's memory."""
    url = redis_url()
    if url:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return RedisStudyStore(client)
    return MemoryStudyStore()
