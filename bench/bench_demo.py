"""Demo region generation at scale: ``generate_demo --teachers 100000`` into PostgreSQL.

Writes zones, ~2,000 schools, 100,000 teachers with logins, subjects, postings,
~19,000 groups with their members and the role holders, all through
``bulk_create`` in batches, in a child process on a throw-away database
``yanxiu_bench_demo`` (so peak memory is the generator's own).

    .venv/bin/python bench/run.py demo
    BENCH_DEMO_TEACHERS=10000 .venv/bin/python bench/run.py demo   # a quick look
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
from contextlib import redirect_stdout

from bench.common import ROOT, Result, admin_sql, bench_env

DB_NAME = "yanxiu_bench_demo"
ENV = bench_env(DB_NAME)


def run() -> list[Result]:
    teachers = int(os.environ.get("BENCH_DEMO_TEACHERS", "100000"))
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.bench_demo", str(teachers)],
            cwd=ROOT,
            env={**os.environ, **ENV},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    if completed.returncode != 0:
        raise RuntimeError(f"generate_demo failed:\n{completed.stdout}\n{completed.stderr}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return [
        Result(f"generate_demo --teachers {teachers:,}", figures["seconds"], "s"),
        Result("generation rate", teachers / figures["seconds"], "teachers/s"),
        Result("generation peak memory (RSS)", figures["peak_rss_kib"] / 1024, "MiB", target=1024),
    ]


def _generate(teachers: int) -> dict[str, float]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        call_command("generate_demo", teachers=teachers, seed=1)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


if __name__ == "__main__":
    print(json.dumps(_generate(int(sys.argv[1]))))
