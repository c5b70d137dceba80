"""show_policy [--region CODE] --year Y: print the policy in force as YAML (set_policy reads it)."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanxiu.credits.policy import policy_in_force, policy_terms_for
from yanxiu.orgs.models import Region


class Command(BaseCommand):
    help = "以 YAML 显示某区县某年度生效的学时政策"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="区县代码（默认第一个区县）")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        regions = Region.objects.order_by("pk")
        region = (
            regions.filter(code=options["region"]).first() if options["region"] else regions.first()
        )
        if region is None:
            raise CommandError(f"区县不存在：{options['region'] or '（无）'}")
        year = options["year"]
        policy = policy_in_force(region.pk, year)
        source = f"{policy.year} 年度第 {policy.version} 版" if policy else "默认政策（未设置）"
        self.stdout.write(f"# {region.name} {year} 年度生效的学时政策：{source}")
        document = {
            "region": region.code,
            "year": year,
            **policy_terms_for(region.pk, year).to_document(),
        }
        self.stdout.write(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
