"""purge_import_files [--enqueue]: delete import files older than IMPORT_FILE_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanxiu.imports.retention import purge_import_files, retention_days
from yanxiu.imports.tasks import purge_expired_import_files


class Command(BaseCommand):
    help = "删除超过保留期限的导入文件（导入记录保留文件的 SHA-256）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行，而不是立即执行"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = purge_expired_import_files.enqueue()
            self.stdout.write(f"已排入后台任务：{result.id}")
            return
        purged = purge_import_files()
        self.stdout.write(f"已删除 {purged} 个超过 {retention_days()} 天的导入文件")
