"""``create_api_token USERNAME [--name N]``: make an API token for a user and print its key once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanxiu.api.services import issue_token
from yanxiu.orgs.models import User


class Command(BaseCommand):
    help = "为用户生成 API 令牌并打印（仅此一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行", help="令牌名称")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有这个用户：{options['username']}")
        _token, key = issue_token(user, name=options["name"])
        self.stdout.write(key)
