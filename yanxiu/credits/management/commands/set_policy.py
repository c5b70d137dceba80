"""set_policy FILE: add a version of a region-year policy from a YAML/JSON document.

The file holds the policy document (see ``yanxiu.credits.policy``) plus ``region``
(the region code) and ``year``; --region/--year override them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanxiu.credits.policy import PolicyError, parse_policy
from yanxiu.credits.services import save_policy
from yanxiu.orgs.models import Region


class Command(BaseCommand):
    help = "从 YAML/JSON 文件设置学时政策（新增一个版本）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--region", help="区县代码")
        parser.add_argument("--year", type=int)
        parser.add_argument("--note", default="", help="修改说明")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = yaml.safe_load(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(f"无法读取政策文件：{exc}") from exc
        if not isinstance(document, dict):
            raise CommandError("政策文件必须是一个 YAML/JSON 对象")
        code = options["region"] or document.pop("region", None)
        year = options["year"] or document.pop("year", None)
        document.pop("region", None)
        document.pop("year", None)
        region = Region.objects.filter(code=str(code)).first() if code else None
        if region is None:
            raise CommandError(f"区县不存在：{code or '（未指定 region）'}")
        if not year:
            raise CommandError("未指定年度（year）")
        try:
            rules = parse_policy(document)
        except PolicyError as exc:
            raise CommandError("政策有误：\n" + "\n".join(exc.messages)) from exc
        policy = save_policy(region, int(year), rules, note=options["note"])
        self.stdout.write(f"{region.name} {year} 年度学时政策已保存为第 {policy.version} 版")
