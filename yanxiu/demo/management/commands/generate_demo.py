"""``generate_demo --teachers N --seed S``: write the deterministic demo region."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yanxiu.demo.orgs import DemoRegionExists, create_region, plan_region


class Command(BaseCommand):
    help = "生成演示区县：片区、学校、教师、研修组和各角色账号（同一种子生成相同数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--teachers", type=int, default=1500, help="教师人数（默认 1500）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, teachers: int, seed: int, batch_size: int, **options: Any) -> None:
        if teachers < 1:
            raise CommandError(_("教师人数至少为 1"))
        started = time.perf_counter()
        plan = plan_region(teachers, seed)
        try:
            summary = create_region(
                plan, batch_size=batch_size, progress=lambda msg: self.stdout.write(f"  {msg}")
            )
        except DemoRegionExists as exc:
            raise CommandError(
                _("演示区县（代码 %(code)s）已存在，未重复生成。如需重建，请先删除演示数据库。")
                % {"code": exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已生成 %(region)s：%(zones)d 个片区、%(schools)d 所学校、%(teachers)d 名教师、"
                    "%(groups)d 个研修组、%(accounts)d 个账号，用时 %(seconds).1f 秒"
                )
                % {
                    "region": summary.region,
                    "zones": summary.zones,
                    "schools": summary.schools,
                    "teachers": summary.teachers,
                    "groups": summary.groups,
                    "accounts": summary.accounts,
                    "seconds": time.perf_counter() - started,
                }
            )
        )
