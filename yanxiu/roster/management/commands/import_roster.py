"""``import_roster FILE [--dry-run] [--user USERNAME]``: the roster import for scripts.

Prints the same row-by-row report as the import page. Exits with status 1 when
any row is rejected (in a dry run nothing is written; otherwise the valid rows
are), so that a script notices a file that needs fixing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yanxiu.imports.cli import import_file
from yanxiu.orgs.models import User
from yanxiu.roster.importer import RosterImport


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件导入教师名册，逐行报告错误；有错误行时退出码为 1"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="名册文件（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="以该用户的权限导入（默认：系统导入，拥有全区权限）")

    def handle(
        self, *args: Any, file: Path, dry_run: bool, user: str | None, **options: Any
    ) -> None:
        by = _importer(user)
        import_file(RosterImport(by=by), file, by=by, dry_run=dry_run, out=self.stdout)


def _importer(username: str | None) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("没有用户 %(user)s") % {"user": username})
    if not user.has_perm("orgs.manage_roster"):
        raise CommandError(_("用户 %(user)s 没有管理教师名册的权限") % {"user": username})
    return user
