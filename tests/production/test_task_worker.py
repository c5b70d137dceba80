"""The production task queue: django_tasks_db on PostgreSQL, drained by the real db_worker."""

from __future__ import annotations

import pytest

from tests.production.conftest import Site

pytestmark = pytest.mark.production


def run_python(site: Site, code: str) -> str:
    return site.manage("shell", "--no-imports", "-c", code).strip()


def test_a_task_enqueued_in_production_is_run_by_the_worker(site):
    result_id = run_python(
        site, "from yanxiu.web.tasks import ping; print(ping.enqueue('你好').id)"
    )
    before = run_python(
        site, f"from yanxiu.web.tasks import ping; print(ping.get_result('{result_id}').status)"
    )

    site.manage("db_worker", "--batch", "--no-startup-delay", timeout=120)

    after = run_python(
        site,
        "from yanxiu.web.tasks import ping; "
        f"r = ping.get_result('{result_id}'); print(r.status, r.return_value)",
    )
    assert before == "READY"
    assert after == "SUCCESSFUL 你好"
