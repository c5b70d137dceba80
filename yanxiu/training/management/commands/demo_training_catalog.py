"""Publish the seed-004 classes in the demo region (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.orgs.demo import demo_region_and_center
from yanxiu.training.demo import create_demo_catalog


class Command(BaseCommand):
    help = "演示：在区县中发布师训计划（种子004）中的集中培训班，新教师培训班今天有一次集中学习"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="区县代码；默认第一个区县")

    def handle(self, *args: Any, region: str | None, **options: Any) -> None:
        target, organizer = demo_region_and_center(region)
        created = create_demo_catalog(target, organizer=organizer)
        self.stdout.write(f"{target}：新发布 {len(created)} 个培训课程")
