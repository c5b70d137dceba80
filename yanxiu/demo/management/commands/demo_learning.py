"""Give the demo region's online courses units to study, and admit the demo teacher (idempotent)."""

from typing import Any

from yanxiu.demo.learning import create_demo_units
from yanxiu.demo.orgs import RegionDemoCommand
from yanxiu.orgs.models import Region, User


class Command(RegionDemoCommand):
    help = "演示：为区县的网络课程添加导读(计阅读时长)和带测验的视频，并为演示教师选课"

    def fill(self, region: Region, center: User, **options: Any) -> str:
        return f"为 {create_demo_units(region, author=center)} 门网络课程添加了学习单元"
