"""Give the demo region's online courses units to study, and admit the demo teacher (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.learning.demo import create_demo_units
from yanxiu.orgs.demo import demo_region_and_center


class Command(BaseCommand):
    help = "演示：为区县的网络课程添加导读(计阅读时长)和带测验的视频，并为演示教师选课"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="区县代码；默认第一个区县")

    def handle(self, *args: Any, region: str | None, **options: Any) -> None:
        target, center = demo_region_and_center(region)
        filled = create_demo_units(target, author=center)
        self.stdout.write(f"{target}：为 {filled} 门网络课程添加了学习单元")
