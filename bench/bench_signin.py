"""Phone sign-in under load: 2,000 teachers sign in to running sessions within one minute.

A real server (gunicorn, production settings, PostgreSQL database
``yanxiu_bench_signin`` on loopback) receives ``POST /api/training/sign-in`` from
a bounded thread pool; each teacher carries their own logged-in session cookie and
the code shown on the organizer's screen. One teacher in ten taps twice, as people
do. Afterwards the attendance table must hold exactly one row per teacher: nothing
lost, nothing doubled. Every request must answer 200.

    .venv/bin/python bench/run.py signin
    BENCH_SIGNIN_TEACHERS=500 .venv/bin/python bench/run.py signin   # a quick look

Each step (prepare, load, count) runs in its own process with the same settings
as the server, so the codes and cookies match.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    ROOT,
    Result,
    admin_sql,
    bulk_teachers,
    deploy,
    free_port,
    production_env,
    start_gunicorn,
    warm_up,
)

DB_NAME = "yanxiu_bench_signin"
SESSIONS = 4
CONCURRENCY = int(os.environ.get("BENCH_SIGNIN_CONCURRENCY", "32"))
WORKERS = int(os.environ.get("BENCH_SIGNIN_WORKERS", "4"))
CSRF = "benchcsrftokenbenchcsrftoken0123"  # a 32-character secret, sent as cookie and header


def _env(port: int) -> dict[str, str]:
    return production_env(DB_NAME, BENCH_SIGNIN_PORT=str(port))


def run() -> list[Result]:
    teachers = int(os.environ.get("BENCH_SIGNIN_TEACHERS", "2000"))
    port = free_port()
    env = _env(port)
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
    server = None
    try:
        deploy(env)
        _child("prepare", env, str(teachers))
        server = start_gunicorn(port, WORKERS, env)
        load = _child("load", env)
        counted = _child("count", env)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    expected = teachers
    lost = expected - counted["teachers_with_row"]
    doubled = counted["rows"] - counted["teachers_with_row"]
    print(
        f"   {teachers:,} teachers in {SESSIONS} sessions, {load['requests']:,} requests "
        f"({load['repeats']:,} repeated taps) from {CONCURRENCY} threads to {WORKERS} gunicorn "
        f"workers; answers {load['statuses']}; {counted['rows']:,} attendance rows"
    )
    return [
        Result(f"{teachers:,} teachers sign in, wall time", load["seconds"], "s", target=60),
        Result("sign-in latency p50", load["p50_ms"], "ms"),
        Result("sign-in latency p95", load["p95_ms"], "ms"),
        Result("sign-in latency max", load["max_ms"], "ms"),
        Result("throughput", load["requests"] / load["seconds"], "req/s"),
        Result("non-200 answers", load["errors"], "", target=0),
        Result("lost sign-ins", lost, "", target=0),
        Result("doubled attendance rows", doubled, "", target=0),
    ]


def _child(step: str, env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, step, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench_signin {step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- child steps (Django loaded)


def _prepare(teachers: int) -> dict:
    import datetime

    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from yanxiu.orgs.models import Region, School, Stage, User, Zone
    from yanxiu.training.models import Approval, Course, Enrollment, EnrollmentStatus, Session

    region = Region.objects.create(code="330299", name="压测区")
    zone = Zone.objects.create(region=region, code="Z1", name="第一片区")
    schools = [
        School.objects.create(
            region=region, zone=zone, code=f"S{i:03d}", name=f"压测小学{i}", stage=Stage.PRIMARY
        )
        for i in range(20)
    ]
    users = User.objects.bulk_create(
        User(username=f"t{i:05d}", full_name=f"教师{i}", password="!") for i in range(teachers)
    )
    created = bulk_teachers(region, schools, users, label="教师", gender="M")
    now = timezone.now()
    sessions = []
    for n in range(SESSIONS):
        course = Course.objects.create(
            region=region,
            title=f"压测培训班{n}",
            year=now.year,
            approval=Approval.NONE,
            status="published",
        )
        sessions.append(
            Session.objects.create(
                course=course,
                title="第一讲",
                starts_at=now - datetime.timedelta(minutes=5),
                ends_at=now + datetime.timedelta(hours=3),
            )
        )
    Enrollment.objects.bulk_create(
        Enrollment(
            course_id=sessions[i % SESSIONS].course_id,
            teacher=t,
            status=EnrollmentStatus.APPROVED,
            applied_at=now,
        )
        for i, t in enumerate(created)
    )
    cookies = []
    for i, user in enumerate(users):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        cookies.append([store.session_key, sessions[i % SESSIONS].pk])
    Path(_cookie_file()).write_text(json.dumps(cookies))
    return {"teachers": len(created)}


def _cookie_file() -> str:
    return f"/tmp/{DB_NAME}.cookies.json"


def _load() -> dict:
    import http.client
    import statistics
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.utils import timezone

    from yanxiu.training import codes

    port = int(os.environ["BENCH_SIGNIN_PORT"])
    cookies = json.loads(Path(_cookie_file()).read_text())
    # One teacher in ten taps the button twice.
    work = [(key, sid) for key, sid in cookies] + [tuple(c) for c in cookies[::10]]
    local = threading.local()

    def call(item: tuple[str, int]) -> tuple[int, float]:
        key, session_id = item
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"code": codes.current_code(session_id, timezone.now()).code})
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={key}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Host": "127.0.0.1",
        }
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/training/sign-in", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            local.conn = None
            status = 0
        return status, (time.perf_counter() - started) * 1000

    warm_up(port, cookies[0][0], requests=WORKERS * 4)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(call, work))
    seconds = time.perf_counter() - began
    latencies = sorted(ms for _, ms in results)
    statuses: dict[str, int] = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "seconds": seconds,
        "requests": len(results),
        "repeats": len(work) - len(cookies),
        "errors": sum(1 for status, _ in results if status != 200),
        "statuses": statuses,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "max_ms": latencies[-1],
    }


def _count() -> dict:
    from django.db.models import Count

    from yanxiu.training.models import Attendance

    Path(_cookie_file()).unlink(missing_ok=True)
    return {
        "rows": Attendance.objects.count(),
        "teachers_with_row": Attendance.objects.aggregate(n=Count("teacher", distinct=True))["n"],
    }


if __name__ == "__main__":
    import django

    django.setup()
    step, *rest = sys.argv[1:]
    steps = {"prepare": lambda: _prepare(int(rest[0])), "load": _load, "count": _count}
    print(json.dumps(steps[step]()))
