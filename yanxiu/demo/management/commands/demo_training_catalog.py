"""Publish the seed-004 classes in the demo region (idempotent)."""

from typing import Any

from yanxiu.demo.orgs import RegionDemoCommand
from yanxiu.demo.training import create_demo_catalog
from yanxiu.orgs.models import Region, User


class Command(RegionDemoCommand):
    help = "演示：在区县中发布师训计划（种子004）中的集中培训班，新教师培训班今天有一次集中学习"

    def fill(self, region: Region, center: User, **options: Any) -> str:
        return f"新发布 {len(create_demo_catalog(region, organizer=center))} 个培训课程"
