"""Give the demo region a year of credit history (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from yanxiu.credits.demo import create_demo_credits
from yanxiu.orgs.demo import demo_region_and_center


class Command(BaseCommand):
    help = "演示：为演示区县登记本年度的学分记录（已登记则跳过）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="区县代码；默认第一个区县")
        parser.add_argument("--year", type=int, default=None, help="年度；默认今年")

    def handle(self, *args: Any, region: str | None, year: int | None, **options: Any) -> None:
        target, center = demo_region_and_center(region)
        written = create_demo_credits(target, center=center, year=year or timezone.localdate().year)
        self.stdout.write(f"{target}：登记 {written} 条演示学分记录")
