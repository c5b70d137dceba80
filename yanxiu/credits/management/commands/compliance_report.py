"""compliance_report --year Y --level … --format csv|xlsx: the report pages' figures as a file."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanxiu.credits.compliance import LEVELS
from yanxiu.credits.exports import write_compliance_report
from yanxiu.orgs.models import Region


class Command(BaseCommand):
    help = "写出学时达标报表（与报表页面相同的数字）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--level", choices=LEVELS, default="school")
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--region", help="区县代码（默认第一个区县）")
        parser.add_argument("--output", help="输出文件（默认标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        regions = Region.objects.order_by("pk")
        region = (
            regions.filter(code=options["region"]).first() if options["region"] else regions.first()
        )
        if region is None:
            raise CommandError(f"区县不存在：{options['region'] or '（无）'}")
        if options["output"]:
            with open(options["output"], "wb") as out:
                count = write_compliance_report(
                    out, options["format"], None, options["year"], options["level"], region=region
                )
            self.stderr.write(f"已写出 {count} 行到 {options['output']}")
        else:
            write_compliance_report(
                sys.stdout.buffer,
                options["format"],
                None,
                options["year"],
                options["level"],
                region=region,
            )
