"""Give the demo region a year of credit history (idempotent)."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from yanxiu.demo.credits import create_demo_credits
from yanxiu.demo.orgs import RegionDemoCommand
from yanxiu.orgs.models import Region, User


class Command(RegionDemoCommand):
    help = "演示：为演示区县登记本年度的学分记录（已登记则跳过）"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, default=None, help="年度；默认今年")

    def fill(self, region: Region, center: User, **options: Any) -> str:
        year = options.get("year") or timezone.localdate().year
        return f"登记 {create_demo_credits(region, center=center, year=year)} 条演示学分记录"
