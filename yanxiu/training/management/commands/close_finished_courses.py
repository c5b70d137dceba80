"""Close every published class whose last session has ended and post its credits (run by cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from yanxiu.training.services.closing import close_finished_courses


class Command(BaseCommand):
    help = "结班：关闭最后一个场次已结束的培训班，并按结业条件登记学分"

    def handle(self, *args: Any, **options: Any) -> None:
        for course, report in close_finished_courses():
            self.stdout.write(
                f"{course}: posted={report.posted} already={report.already_posted} "
                f"not_completed={report.not_completed} errors={len(report.errors)}"
            )
