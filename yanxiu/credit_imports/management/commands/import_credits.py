"""``import_credits FILE --user USERNAME [--dry-run]``: the credit import for scripts.

Prints the same row-by-row report as the import page; exits with status 1 when
any row is rejected. Credits are certified by ``--user`` (a bureau admin or
training-center staff member), as on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yanxiu.credit_imports.importer import CreditImport
from yanxiu.imports.cli import import_file
from yanxiu.orgs.models import User


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件批量导入学时记录，逐行报告错误；有错误行时退出码为 1"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="学时文件（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", required=True, help="认定人的用户名（教育局或培训中心）")

    def handle(self, *args: Any, file: Path, dry_run: bool, user: str, **options: Any) -> None:
        by = User.objects.filter(username=user).first()
        if by is None:
            raise CommandError(_("没有用户 %(user)s") % {"user": user})
        if not by.has_perm("credits.certify_entry"):
            raise CommandError(_("用户 %(user)s 没有认定学时的权限") % {"user": user})
        import_file(CreditImport(by=by), file, by=by, dry_run=dry_run, out=self.stdout)
