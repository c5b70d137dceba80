"""Write live study states from Redis to the database: once, or every N seconds.

    manage.py flush_study               # once (cron), prints what it wrote
    manage.py flush_study --every 60    # a long-running loop (systemd unit)

In the loop, each flush spreads its batches over the period (see ``flush_study``), so
heartbeats arriving meanwhile never wait behind a burst of writes.

A failed flush (Redis or the database down) loses nothing: the states stay in Redis
until written. So the loop logs the failure and tries again next period; a single run
fails loudly, for cron to report.

``yanxiu.learning.tasks.flush_study_states`` does the same as a django-tasks task.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.learning.services import flush_study

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "把 Redis 中的学习计时写入数据库(一次，或每隔 N 秒一次)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="每隔多少秒写一次；0 表示只写一次"
        )

    def handle(self, *args: Any, every: float, **options: Any) -> None:
        if every <= 0:
            self._flush(every)
            return
        while True:
            began = time.monotonic()
            try:
                self._flush(every)
            except Exception:
                # Whatever failed (Redis, the database, a bug), the next period may succeed.
                logger.exception("flush_study failed; retrying in %s s", every)
            time.sleep(max(0.0, began + every - time.monotonic()))

    def _flush(self, every: float) -> None:
        result = flush_study(spread_over=every)
        self.stdout.write(f"flushed {result.learners} learners, {result.sessions} sessions")
