"""What every benchmark returns: named figures, optionally with a target and a ratio."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Result:
    """One measured figure.

    ``target`` is an upper bound for ``value`` (same unit). ``ratio_to`` names
    another result of the same benchmark that this one is divided by, and
    ``ratio_target`` bounds that ratio (e.g. "no more than 3× COPY").
    """

    name: str
    value: float
    unit: str
    target: float | None = None
    ratio_to: str | None = None
    ratio_target: float | None = None


# The local PostgreSQL server every benchmark uses (trust auth), and how to reach it.
PG: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
ROOT = Path(__file__).resolve().parent.parent


def production_env(db_name: str, **extra: str) -> dict[str, str]:
    """The environment of a production-profile server (docs/deployment.md) on database
    ``db_name``, its static files collected under bench/out/static; ``extra`` adds to it."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yanxiu.settings.production",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        "YANXIU_SECRET_KEY": f"bench-{db_name}-secret-key-not-for-production-use-0123456789",
        "YANXIU_ID_KEY": "ZGVtby1rZXktZm9yLWlkLW51bWJlcnMtMzItYnl0ZXM=",
        "YANXIU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "YANXIU_SSL_REDIRECT": "0",
        "YANXIU_LOG_LEVEL": "WARNING",
        "YANXIU_STATIC_ROOT": str(ROOT / "bench" / "out" / "static"),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Serve the project with gunicorn on 127.0.0.1:``port``, as in production; returns
    once it listens."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "yanxiu.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    wait_for(port)
    return server


def deploy(env: dict[str, str]) -> None:
    """Set up a fresh database and the static files as a deployment does."""
    for step in (["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *step, "-v", "0"], cwd=ROOT, env=env, check=True
        )


def bench_env(db_name: str) -> dict[str, str]:
    """A benchmark child's environment: test settings on PostgreSQL database ``db_name``."""
    return {
        "DJANGO_SETTINGS_MODULE": "yanxiu.settings.test",
        "YANXIU_TEST_DB": "postgres",
        "YANXIU_PG_NAME": db_name,
    }


def run_step(module: str, env: dict[str, str], step: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module step args…`` with ``env`` added; the step prints its figures as
    JSON on its last line. A separate process, so each step's peak memory is its own."""
    completed = subprocess.run(
        [sys.executable, "-m", module, step, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{completed.stdout}\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def admin_sql(sql: str) -> None:
    """Run one statement (CREATE/DROP DATABASE …) on the server's maintenance database."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(sql)


def median_seconds(fn: Callable[[], object], rounds: int = 5) -> float:
    """Median wall time of ``fn`` over ``rounds`` calls, after one warm-up call (cache, plans)."""
    fn()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 30) -> None:
    """Wait until a server listens on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def warm_up(port: int, session_key: str, *, requests: int) -> None:
    """Let every gunicorn worker load the URLconf and the API before the clock starts."""
    import http.client

    for _ in range(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET",
            "/api/training/my-enrollments",
            headers={"Cookie": f"sessionid={session_key}", "Host": "127.0.0.1"},
        )
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(f"warm-up answered {response.status}: is the tree importable?")


def bulk_teachers(
    region: Any, schools: list[Any], users: list[Any], *, label: str, gender: str
) -> list[Any]:
    """One primary teacher per user, spread over ``schools``, with distinct valid ID numbers."""
    import datetime

    from yanxiu.orgs import idnumbers
    from yanxiu.orgs.models import Stage, Teacher

    rows = []
    for i, user in enumerate(users):
        born = datetime.date(1980, 1, 1) + datetime.timedelta(days=i // 400)
        protected = idnumbers.ProtectedIdNumber.of(idnumbers.compose("330302", born, i % 400 + 1))
        school = schools[i % len(schools)]
        rows.append(
            Teacher(
                region=region,
                school=school,
                user=user,
                name=f"{label}{i}",
                id_number_hash=protected.hash,
                id_number_cipher=protected.cipher,
                id_number_masked=protected.masked,
                gender=gender,
                birth_date=datetime.date(1985, 1, 1),
                stage=Stage.PRIMARY,
                teaching_since=2010,
                org_path=school.org_path,
            )
        )
    return Teacher.objects.bulk_create(rows)
