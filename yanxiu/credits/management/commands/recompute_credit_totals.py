"""recompute_credit_totals --year Y: make the yearly summary equal the ledger's sums again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.credits.services import recompute_totals


class Command(BaseCommand):
    help = "按年度用学时记录核对并更正学时汇总表"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = recompute_totals(options["year"])
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{options['year']} 年度学时汇总已与学时记录核对：更正 {rows} 行，用时 {seconds:.1f} 秒"
        )
