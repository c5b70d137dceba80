"""Put demo school-based projects at each step of their life cycle (idempotent)."""

from typing import Any

from yanxiu.demo.orgs import RegionDemoCommand
from yanxiu.demo.projects import create_demo_projects
from yanxiu.orgs.models import Region, User


class Command(RegionDemoCommand):
    help = (
        "演示：下达指定培训内容，并让前五所学校的校本研训项目"
        "分别处于已申报、已退回、实施中、已提交材料、已认定"
    )

    def fill(self, region: Region, center: User, **options: Any) -> str:
        return f"新建 {len(create_demo_projects(region, center=center))} 个校本研训项目"
