"""Attempt limits: a few failed attempts per person in a window, then a wait.

The counters live in Django's cache so that every worker process shares them: Redis in
production (``settings.CACHES``), local memory in the demo and the tests, which run in
one process. No database row is written per attempt.
"""

from __future__ import annotations

import contextlib
import datetime
import math
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class AttemptLimit:
    """At most ``limit`` failed attempts per key in a window opened by the first attempt.

    An attempt is counted before it is checked, so that requests racing each other
    cannot all slip under the limit; a successful attempt gives its count back.
    """

    name: str
    limit: int
    window: datetime.timedelta

    def _keys(self, who: str) -> tuple[str, str]:
        base = f"throttle:{self.name}:{who}"
        return f"{base}:start", f"{base}:count"

    def begin(self, who: str, at: datetime.datetime) -> datetime.datetime | None:
        """Count one attempt; when the limit is used up, the time the wait ends, else None."""
        start_key, count_key = self._keys(who)
        seconds = self.window.total_seconds()
        timeout = math.ceil(seconds)
        now = at.timestamp()
        start = cache.get(start_key)
        if start is not None and now - start >= seconds:
            # The cache drops a window after ``timeout``; this covers a clock that moved on
            # faster than the cache's own (the tests pass ``at``).
            cache.delete_many([start_key, count_key])
            start = None
        if start is None:
            # add() is atomic: of several attempts opening a window at once, one wins.
            cache.add(start_key, now, timeout)
            cache.add(count_key, 0, timeout)
            start = cache.get(start_key, now)
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window expired between the two calls
            cache.add(count_key, 1, timeout)
            count = 1
        if count > self.limit:
            return datetime.datetime.fromtimestamp(start + seconds, tz=datetime.UTC)
        return None

    def succeeded(self, who: str) -> None:
        """The attempt begun last was right: it does not count against the limit."""
        _, count_key = self._keys(who)
        with contextlib.suppress(ValueError):  # the window has already expired
            cache.decr(count_key)
