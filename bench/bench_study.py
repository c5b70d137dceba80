"""Study heartbeats under load: 10,000 learners, one report every 30 s each, for two minutes.

A real server (gunicorn, production settings, PostgreSQL database
``yanxiu_bench_study``, live study states in Redis database 8 on loopback) receives
``POST /api/learning/heartbeat`` from a pool of client threads. Each report carries the
session cookie, the CSRF token and the study pass, as the player page sends them.

First every learner opens its video: that first report of a sitting reads the unit, the
enrollment, the region's rules and today's total from the database, and is timed apart,
as fast as the server takes them. Then the sustained load, which the figures without
"opening" describe: learner *i* reports at ``i × interval / learners`` seconds, then
every ``interval`` seconds, its video advancing in real time since it opened. All along,
``manage.py flush_study --every 60`` writes the live states to the database, as in
production; at the end one last flush, and the counted seconds there are compared with
what the study clock must credit an honest learner (each report credits the real time
since the previous one, at most ``judge.WINDOW_CAP`` = 20 s — so a 30 s cadence earns 20
s a report by design).

    .venv/bin/python bench/run.py study
    BENCH_STUDY_LEARNERS=2000 BENCH_STUDY_SECONDS=60 .venv/bin/python bench/run.py study

Figures: opening reports/s and the workers' CPU for each; then, sustained, reports/s
handled (and per core), the workers' CPU per report (what a core could take when the
machine is not shared), latency p50/p95/max, how late reports left against their
schedule (a server that cannot keep up makes them late), non-200 answers, lost seconds
and seconds counted beyond what an honest learner earns,
database rows written per report (inserted, updated or deleted in the study tables, as
PostgreSQL counts them: heartbeats write none, each flush a few per learner), and the
time of the last flush.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import redis

from bench.common import (
    PG,
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

DB_NAME = "yanxiu_bench_study"
REDIS_URL = "redis://127.0.0.1:6379/8"
LEARNERS = int(os.environ.get("BENCH_STUDY_LEARNERS", "10000"))
INTERVAL = float(os.environ.get("BENCH_STUDY_INTERVAL", "30"))
SECONDS = float(os.environ.get("BENCH_STUDY_SECONDS", "120"))
CONCURRENCY = int(os.environ.get("BENCH_STUDY_CONCURRENCY", "48"))
WORKERS = int(os.environ.get("BENCH_STUDY_WORKERS", "4"))
CSRF = "benchcsrftokenbenchcsrftoken0123"  # a 32-character secret, sent as cookie and header
VIDEO_SECONDS = 3 * 3600
FLUSH_EVERY = int(os.environ.get("BENCH_STUDY_FLUSH_EVERY", "60"))
TIMEOUT_SLACK = 1.0  # seconds; see the expected time in _load


def _env(port: int) -> dict[str, str]:
    return production_env(DB_NAME, YANXIU_REDIS_URL=REDIS_URL, BENCH_STUDY_PORT=str(port))


def run() -> list[Result]:

    port = free_port()
    env = _env(port)
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
    _clear_redis()
    server = flusher = None
    try:
        deploy(env)
        _child("prepare", env)
        server = start_gunicorn(port, WORKERS, env)
        writes_before = _row_writes()
        # As in production (docs/deployment.md): the flush loop writes the live states every
        # FLUSH_EVERY s, at a lower CPU priority than the web workers.
        # BENCH_STUDY_FLUSH_EVERY=0 leaves it out, to see the heartbeats alone.
        if FLUSH_EVERY:
            flush_loop = ["manage.py", "flush_study", "--every", str(FLUSH_EVERY)]
            flusher = subprocess.Popen(
                ["nice", "-n", "10", sys.executable, *flush_loop],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        load = _child("load", {**env, "BENCH_STUDY_MASTER": str(server.pid)})
        if flusher is not None:
            flusher.terminate()
            flusher.wait(timeout=60)
        flush = _child("flush", env)
        time.sleep(1.5)  # PostgreSQL publishes table statistics within a second
        row_writes = _row_writes() - writes_before
    finally:
        for process in (server, flusher):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        _clear_redis()
    cores = os.cpu_count() or 1
    rate = load["requests"] / load["seconds"]
    opening = load["opening"]
    reports = load["requests"] + LEARNERS
    print(
        f"   {LEARNERS:,} learners opened their videos in {opening['seconds']:.1f} s; then "
        f"a report every {INTERVAL:g} s for {SECONDS:g} s: "
        f"{load['requests']:,} reports from {CONCURRENCY} threads to {WORKERS} gunicorn "
        f"workers on {cores} cores, flush_study every {FLUSH_EVERY or '—'} s; answers "
        f"{load['statuses']}; {row_writes:,} rows written; the last flush "
        f"({flush['sessions']:,} sessions) took {flush['seconds']:.1f} s; "
        f"counted {flush['counted']:,.0f} s, expected {_span(load['expected'])} s"
    )
    return [
        Result("opening reports (first of a sitting) handled", opening["rate"], "reports/s"),
        Result("gunicorn worker CPU per opening report", opening["cpu_ms"], "ms"),
        Result("reports handled", rate, "reports/s"),
        Result("reports handled per core", rate / cores, "reports/s"),
        Result("gunicorn worker CPU per report", load["cpu_ms"], "ms"),
        Result("reports per core-second of worker CPU", 1000 / load["cpu_ms"], "reports/s"),
        Result("load generator CPU per report (same cores)", load["client_cpu_ms"], "ms"),
        Result("report latency p50", load["p50_ms"], "ms"),
        Result("report latency p95", load["p95_ms"], "ms", target=250),
        Result("report latency max", load["max_ms"], "ms"),
        Result("report lateness p95 (sustained load)", load["late_p95_ms"], "ms", target=1000),
        Result("non-200 answers", load["errors"], "", target=0),
        # Each session's seconds are written rounded down: under one second each may go.
        Result(
            "lost seconds",
            max(0.0, load["expected"][0] - flush["counted"]),
            "s",
            target=flush["sessions"],
        ),
        Result(
            "seconds counted beyond honest time",
            max(0.0, flush["counted"] - load["expected"][1]),
            "s",
            target=0,
        ),
        Result("database rows written per report", row_writes / reports, "rows"),
        Result("flush of every learner", flush["seconds"], "s"),
    ]


def _span(bounds: tuple[float, float]) -> str:
    low, high = bounds
    return f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"


def _row_writes() -> int:
    """Rows inserted, updated or deleted in the study tables so far (PostgreSQL's counts)."""
    import psycopg

    with psycopg.connect(dbname=DB_NAME, autocommit=True, **PG) as conn:
        row = conn.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
            " WHERE relname IN ('learning_studysession', 'learning_unitprogress',"
            " 'learning_studyday')"
        ).fetchone()
    return int(row[0]) if row else 0


def _workers_cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers (the children of ``master``), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _clear_redis() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter("study:*"))
    if keys:
        client.delete(*keys)


def _child(step: str, env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, step], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench_study {step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cookie_file() -> str:
    return f"/tmp/{DB_NAME}.cookies.json"


# ---------------------------------------------------------------- child steps (Django loaded)


def _prepare() -> dict:

    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from yanxiu.learning.models import CourseUnit, UnitKind
    from yanxiu.orgs.models import Region, School, Stage, User, Zone
    from yanxiu.training.models import Course, CourseFormat, Enrollment, EnrollmentStatus

    region = Region.objects.create(code="330298", name="压测区")
    zone = Zone.objects.create(region=region, code="Z1", name="第一片区")
    schools = [
        School.objects.create(
            region=region, zone=zone, code=f"S{i:03d}", name=f"压测小学{i}", stage=Stage.PRIMARY
        )
        for i in range(40)
    ]
    users = User.objects.bulk_create(
        User(username=f"l{i:05d}", full_name=f"学员{i}", password="!") for i in range(LEARNERS)
    )
    created = bulk_teachers(region, schools, users, label="学员", gender="F")
    author = User.objects.create(username="center", full_name="培训中心")
    now = timezone.now()
    course = Course.objects.create(
        region=region,
        title="压测网络课程",
        format=CourseFormat.ONLINE,
        year=now.year,
        status="published",
        organizer=author,
    )
    unit = CourseUnit.objects.create(
        course=course,
        kind=UnitKind.VIDEO,
        title="第一讲",
        is_published=True,
        duration_seconds=VIDEO_SECONDS,
        video="learning/videos/bench.webm",
        created_by=author,
    )
    Enrollment.objects.bulk_create(
        Enrollment(course=course, teacher=t, status=EnrollmentStatus.APPROVED, applied_at=now)
        for t in created
    )
    from yanxiu.learning import passes

    by_user = {t.user_id: t for t in created}
    study_passes = [passes.issue(by_user[user.pk]) for user in users]
    keys = []
    for user in users:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    Path(_cookie_file()).write_text(
        json.dumps({"unit": unit.pk, "keys": keys, "passes": study_passes})
    )
    return {"learners": len(created)}


def _load() -> dict:
    import http.client
    import statistics

    from yanxiu.learning.judge import SESSION_TIMEOUT, WINDOW_CAP

    port = int(os.environ["BENCH_STUDY_PORT"])
    master = int(os.environ["BENCH_STUDY_MASTER"])
    prepared = json.loads(Path(_cookie_file()).read_text())
    unit, keys, study_passes = prepared["unit"], prepared["keys"], prepared["passes"]
    warm_up(port, keys[0], requests=WORKERS * 4)
    local = threading.local()
    lock = threading.Lock()
    latencies: list[float] = []
    lateness: list[float] = []
    statuses: dict[str, int] = {}
    sent_at: dict[int, list[float]] = {}
    setback: dict[int, float] = {}

    def send(learner: int, seq: int, position: float) -> tuple[int, float | None]:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps(
            {
                "unit": unit,
                "view": f"bench-{learner}",
                "seq": seq + 2,
                "position": position,
                "playing": True,
                "visible": True,
                "rate": 1.0,
            }
        )
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={keys[learner]}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "X-Study-Pass": study_passes[learner],
            "Host": "127.0.0.1",
        }
        try:
            conn.request("POST", "/api/learning/heartbeat", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            if response.will_close:
                local.conn = None
        except (OSError, http.client.HTTPException):
            local.conn = None
            return 0, None
        clamp = json.loads(answer).get("clamp_to") if response.status == 200 else None
        return response.status, clamp

    # Opening: every learner starts its video (its first report reads the unit, the
    # enrollment, the rules and today's total from the database), as fast as taken.
    openings: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(keys)):
        openings.put(i)

    def opener() -> None:
        while True:
            try:
                learner = openings.get_nowait()
            except queue.Empty:
                return
            started = time.monotonic()
            status, _ = send(learner, -1, 0.0)
            with lock:
                sent_at[learner] = [started]
                statuses[str(status)] = statuses.get(str(status), 0) + 1

    cpu_before = _workers_cpu_seconds(master)
    opened = time.monotonic()
    _all_of(opener)
    opening_seconds = time.monotonic() - opened
    opening = {
        "seconds": opening_seconds,
        "rate": len(keys) / opening_seconds,
        "cpu_ms": (_workers_cpu_seconds(master) - cpu_before) * 1000 / len(keys),
    }

    # Sustained: learner i reports at i × interval / learners, then every interval.
    began = time.monotonic() + 1.0
    end = began + SECONDS
    due: queue.PriorityQueue[tuple[float, int, int]] = queue.PriorityQueue()
    for i in range(len(keys)):
        due.put((began + i * INTERVAL / len(keys), i, 0))

    def worker() -> None:
        while True:
            at, learner, seq = due.get()
            if at >= end:
                due.put((at, learner, seq))
                return
            wait = at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            started = time.monotonic()
            # The video plays in real time from the learner's first report, and jumps
            # back when the server says so, as the page's player does.
            with lock:
                first = sent_at[learner][0]
                position = started - first - setback.get(learner, 0.0)
            status, clamp = send(learner, seq, position)
            took = time.monotonic() - started
            with lock:
                if clamp is not None:
                    setback[learner] = setback.get(learner, 0.0) + position - clamp
                latencies.append(took * 1000)
                lateness.append(max(0.0, started - at) * 1000)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                sent_at[learner].append(started)
            due.put((at + INTERVAL, learner, seq + 1))

    cpu_before = _workers_cpu_seconds(master)
    client_before = time.process_time()
    _all_of(worker)
    seconds = max(SECONDS, time.monotonic() - began)
    cpu_ms = (_workers_cpu_seconds(master) - cpu_before) * 1000 / len(latencies)
    client_cpu_ms = (time.process_time() - client_before) * 1000 / len(latencies)
    # What the clock must credit an honest learner: the time between its reports, at
    # most one window each; a report later than the session timeout starts a new session
    # and credits nothing (an overloaded server shows up as lateness, not as credit).
    # The server times a report when it handles it, not when it left here, so a gap
    # within TIMEOUT_SLACK of the timeout may fall on either side: it bounds the range.
    gaps = [
        later - earlier
        for times in sent_at.values()
        for earlier, later in itertools.pairwise(times)
    ]
    surely = sum(min(gap, WINDOW_CAP) for gap in gaps if gap <= SESSION_TIMEOUT - TIMEOUT_SLACK)
    either = sum(min(gap, WINDOW_CAP) for gap in gaps if abs(gap - SESSION_TIMEOUT) < TIMEOUT_SLACK)
    latencies.sort()
    lateness.sort()
    return {
        "seconds": seconds,
        "requests": len(latencies),
        "errors": sum(n for status, n in statuses.items() if status != "200"),
        "statuses": statuses,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "max_ms": latencies[-1],
        "late_p95_ms": lateness[int(len(lateness) * 0.95) - 1],
        "expected": (surely, surely + either),
        "cpu_ms": cpu_ms,
        "client_cpu_ms": client_cpu_ms,
        "opening": opening,
    }


def _all_of(target: Callable[[], None]) -> None:
    """Run ``target`` in each of the CONCURRENCY client threads until all return."""
    threads = [threading.Thread(target=target) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _flush() -> dict:
    from django.db.models import Sum

    from yanxiu.learning.models import StudySession
    from yanxiu.learning.services import flush_study

    Path(_cookie_file()).unlink(missing_ok=True)
    started = time.monotonic()
    # Sessions still open are written as open; the learners' last reports are in them.
    result = flush_study()
    seconds = time.monotonic() - started
    counted = StudySession.objects.aggregate(s=Sum("counted_seconds"))["s"] or 0
    return {"seconds": seconds, "sessions": result.sessions, "counted": counted}


if __name__ == "__main__":
    import django

    django.setup()
    step = sys.argv[1]
    steps = {"prepare": _prepare, "load": _load, "flush": _flush}
    print(json.dumps(steps[step]()))
