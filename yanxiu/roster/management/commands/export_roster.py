"""``export_roster FILE [--school CODE]``: write the roster in the import format (.xlsx/.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yanxiu.imports.tables import UnreadableFile, file_format
from yanxiu.orgs.models import School
from yanxiu.roster.importer import export_roster


class Command(BaseCommand):
    help = "导出教师名册（.xlsx 或 .csv，由文件扩展名决定），格式与导入相同"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--school", help="只导出该学校代码的教师")

    def handle(self, *args: Any, file: Path, school: str | None, **options: Any) -> None:
        try:
            fmt = file_format(file.name)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        only = None
        if school is not None:
            matches = list(School.objects.filter(code=school)[:2])
            if len(matches) != 1:
                raise CommandError(_("找不到唯一的学校代码 %(code)s") % {"code": school})
            only = matches[0]
        with file.open("wb") as out:
            count = export_roster(out, fmt, by=None, school=only)
        self.stdout.write(
            self.style.SUCCESS(_("已导出 %(n)d 名教师到 %(file)s") % {"n": count, "file": file})
        )
