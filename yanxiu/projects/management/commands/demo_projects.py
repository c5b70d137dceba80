"""Put demo school-based projects at each step of their life cycle (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.orgs.demo import demo_region_and_center
from yanxiu.projects.demo import create_demo_projects


class Command(BaseCommand):
    help = (
        "演示：下达指定培训内容，并让前五所学校的校本研训项目"
        "分别处于已申报、已退回、实施中、已提交材料、已认定"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="区县代码；默认第一个区县")

    def handle(self, *args: Any, region: str | None, **options: Any) -> None:
        target, center = demo_region_and_center(region)
        made = create_demo_projects(target, center=center)
        self.stdout.write(f"{target}：新建 {len(made)} 个校本研训项目")
