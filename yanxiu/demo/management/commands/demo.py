"""``demo`` (what ``make demo`` runs): migrate, compile messages, generate the region once, serve.

The other apps' demo commands (training catalog, school projects) run after it;
they are idempotent, so a second run adds nothing and goes straight to serving.
"""

from __future__ import annotations

import shutil
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yanxiu.demo.orgs import (
    DEMO_PASSWORD,
    create_region,
    demo_region_exists,
    demo_teacher_login,
    plan_region,
)
from yanxiu.orgs.models import Role, RoleAssignment

ADDRESS = "127.0.0.1:8000"
# Idempotent commands of other apps that fill the demo region with their own data.
DEMO_EXTRAS = ("demo_training_catalog", "demo_learning", "demo_projects", "demo_credits")
# One login per role, in the order a visitor would try them.
ROLE_ORDER = (
    Role.BUREAU_ADMIN,
    Role.CENTER_STAFF,
    Role.ZONE_LEADER,
    Role.SCHOOL_ADMIN,
    Role.GROUP_LEADER,
    Role.STUDIO_HOST,
    Role.EXPERT,
)


class Command(BaseCommand):
    help = "启动演示：迁移 SQLite 演示库、编译翻译、首次生成演示区县、打印各角色登录账号并启动服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="准备好数据后不启动服务")
        parser.add_argument("--teachers", type=int, default=1500)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, no_serve: bool, teachers: int, seed: int, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if shutil.which("msgfmt"):
            call_command("compilemessages", ignore_patterns=[".venv"], verbosity=0)
        else:
            # The demo still runs in Chinese; only the English switch needs compiled catalogs.
            self.stderr.write(
                _("未找到 msgfmt（gettext），英文界面不可用：apt-get install gettext")
            )
        if demo_region_exists():
            self.stdout.write(_("演示区县已存在，跳过生成。"))
        else:
            self.stdout.write(_("正在生成演示区县（%(n)d 名教师）……") % {"n": teachers})
            create_region(plan_region(teachers, seed))
        for extra in DEMO_EXTRAS:
            try:
                call_command(extra, stdout=self.stdout, stderr=self.stderr)
            except CommandError as exc:
                # The organization demo still serves; say which part is missing and why.
                self.stderr.write(
                    _("演示数据 %(command)s 未生成：%(error)s") % {"command": extra, "error": exc}
                )
        self.stdout.write(self.logins())
        if not no_serve:
            call_command("runserver", ADDRESS, use_reloader=False)

    def logins(self) -> str:
        rows = [(_("超级管理员（/admin/）"), "admin")]
        shown: set[str] = set()
        for role in ROLE_ORDER:
            # Prefer someone not listed yet, so each login shows its own role's home page.
            holders = RoleAssignment.objects.filter(role=role).select_related("user")
            assignment = (
                holders.exclude(user__username__in=shown).order_by("pk").first()
                or holders.order_by("pk").first()
            )
            if assignment:
                shown.add(assignment.user.username)
                rows.append((str(role.label), assignment.user.username))
        teacher = demo_teacher_login()
        if teacher:
            rows.append((str(Role.TEACHER.label), teacher.username))
        width = max(_display_width(label) for label, _username in rows) + 2
        lines = ["", _("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD}]
        lines += [f"  {label}{' ' * (width - _display_width(label))}{name}" for label, name in rows]
        serve = _("打开 http://%(address)s/ 登录；按 Ctrl+C 停止。") % {"address": ADDRESS}
        lines += ["", serve, ""]
        return "\n".join(lines)


def _display_width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
