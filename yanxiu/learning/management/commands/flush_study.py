"""Write live study states from Redis to the database: once, or every N seconds.

    manage.py flush_study               # once (cron), prints what it wrote
    manage.py flush_study --every 60    # a long-running loop (systemd unit)

In the loop, each flush spreads its batches over the period (see ``flush_study``), so
heartbeats arriving meanwhile never wait behind a burst of writes.

``yanxiu.learning.tasks.flush_study_states`` does the same as a django-tasks task.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.learning.services import flush_study


class Command(BaseCommand):
    help = "把 Redis 中的学习计时写入数据库(一次，或每隔 N 秒一次)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="每隔多少秒写一次；0 表示只写一次"
        )

    def handle(self, *args: Any, every: float, **options: Any) -> None:
        while True:
            began = time.monotonic()
            result = flush_study(spread_over=every)
            self.stdout.write(f"flushed {result.learners} learners, {result.sessions} sessions")
            if every <= 0:
                return
            time.sleep(max(0.0, began + every - time.monotonic()))
