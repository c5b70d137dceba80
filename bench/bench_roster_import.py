"""Roster import at district-to-province scale: a 100,000-teacher .xlsx into PostgreSQL.

Targets (issue 2): under 60 s end to end (read + validate + write), no more
than 3× the time PostgreSQL COPY needs to load the same rows into tables of
the same shape, and peak memory under 1 GiB.

The region's zones and schools come from the demo generator
(``yanxiu.demo.orgs``, what ``generate_demo`` runs) with only its first teacher;
the roster file holds all the plan's teachers. Two COPY baselines are printed:
the teacher rows alone into a twin table with the same indexes, and every row
the import writes (teachers, subject links, first postings) into twins with
the same indexes and foreign keys; the 3× target is checked against the latter.
Each step runs in its own process on a throw-away database ``yanxiu_bench``,
so peak memory is the import's own.

    .venv/bin/python bench/run.py roster
    BENCH_ROSTER_TEACHERS=10000 .venv/bin/python bench/run.py roster   # a quick look
"""

from __future__ import annotations

import io
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.common import PG, Result, admin_sql, bench_env, run_step

DB_NAME = "yanxiu_bench"
SEED = 2026
ENV = bench_env(DB_NAME)
COPY_ROUNDS = 3


def run() -> list[Result]:
    teachers = int(os.environ.get("BENCH_ROSTER_TEACHERS", "100000"))
    with tempfile.TemporaryDirectory(prefix="yanxiu-bench-") as workdir:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
        try:
            prepared = _child("prepare", workdir, str(teachers))
            first = _child("import", workdir)
            again = _child("import", workdir)
            copy_teachers, copy_all = _copy_baselines()
        finally:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    assert first["created"] == teachers - 1, first
    assert first["rejected"] == 0, first
    assert again["unchanged"] == teachers, again
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"   load average {load} on {os.cpu_count()} CPUs at the end; "
        f"{teachers:,} teachers in {prepared['schools']:,} schools; "
        f"file {prepared['file_mib']:.1f} MiB; first import created {first['created']:,}, "
        f"second reported {again['unchanged']:,} unchanged"
    )
    label = f"import {teachers:,}-row .xlsx"
    copy_all_name = "COPY, all rows it writes, with FKs"
    copy_teachers_name = "COPY, teacher rows only, no FKs"
    return [
        Result(
            f"{label}, new teachers",
            first["seconds"],
            "s",
            target=60,
            ratio_to=copy_all_name,
            ratio_target=3,
        ),
        Result("  (same import)", first["seconds"], "s", ratio_to=copy_teachers_name),
        Result(
            "  of which Python CPU time (the rest is PostgreSQL and waiting)",
            first["cpu_seconds"],
            "s",
        ),
        Result(f"{label} again, all unchanged", again["seconds"], "s", ratio_to=copy_all_name),
        Result(copy_teachers_name, copy_teachers, "s"),
        Result(copy_all_name, copy_all, "s"),
        Result("import rate", teachers / first["seconds"], "rows/s"),
        Result("import peak memory (RSS)", first["peak_rss_kib"] / 1024, "MiB", target=1024),
        Result("re-import peak memory (RSS)", again["peak_rss_kib"] / 1024, "MiB", target=1024),
    ]


def _child(step: str, *args: str) -> dict:
    return run_step("bench.bench_roster_import", ENV, step, *args)


# What one import writes: the teachers, their subject links and their first postings.
WRITTEN_TABLES = ("orgs_teacher", "orgs_teacher_subjects", "orgs_teacherposting")


def _copy_baselines() -> tuple[float, float]:
    """Best-of-N COPY times of the imported rows into empty twins of their tables.

    First the teacher rows alone into a twin with the same columns and indexes;
    then every row the import wrote (teachers, subject links, postings) into
    twins that also carry the same foreign keys, checked at commit as Django's are.
    """
    with psycopg.connect(dbname=DB_NAME, autocommit=True, **PG) as conn:
        dumps = {table: _dump(conn, table) for table in WRITTEN_TABLES}
        for table in WRITTEN_TABLES:
            conn.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
        teachers_only = _best_copy(conn, {"orgs_teacher": dumps["orgs_teacher"]})
        for table in WRITTEN_TABLES:
            foreign_keys = conn.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            ).fetchall()
            for number, (definition,) in enumerate(foreign_keys):
                name = f"bench_{table}_fk{number}"
                conn.execute(f"ALTER TABLE bench_{table} ADD CONSTRAINT {name} {definition}")
        everything = _best_copy(conn, dumps)
    return teachers_only, everything


def _dump(conn: psycopg.Connection, table: str) -> bytes:
    data = io.BytesIO()
    with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
        for block in copy:
            data.write(block)
    return data.getvalue()


def _best_copy(conn: psycopg.Connection, dumps: dict[str, bytes]) -> float:
    best = float("inf")
    for _ in range(COPY_ROUNDS):
        conn.execute("TRUNCATE " + ", ".join(f"bench_{table}" for table in dumps))
        started = time.perf_counter()
        with conn.transaction():
            for table, data in dumps.items():
                with conn.cursor().copy(f"COPY bench_{table} FROM STDIN") as copy:
                    copy.write(data)
        best = min(best, time.perf_counter() - started)
    return best


# ---- steps run in child processes (Django configured from ENV) ----


def _prepare(workdir: Path, teachers: int) -> dict:
    import xlsxwriter
    from django.core.management import call_command
    from django.db.models import TextChoices

    from yanxiu.demo import orgs as demo
    from yanxiu.imports.parsers import choice_labels
    from yanxiu.orgs import models
    from yanxiu.roster.importer import HEADERS

    call_command("migrate", verbosity=0)
    plan = demo.plan_region(teachers, SEED)
    # The generator needs one teacher for its role holders; the roster file repeats that
    # teacher, so the import meets one already on the roster (reported unchanged).
    summary = demo.create_region(
        demo.RegionPlan(zones=plan.zones, schools=plan.schools, teachers=plan.teachers[:1])
    )
    choices_of: dict[str, type[TextChoices]] = {
        "gender": models.Gender,
        "stage": models.Stage,
        "title": models.Title,
        "degree": models.Degree,
        "backbone": models.BackboneLevel,
        "post": models.LeadershipPost,
        "employment": models.Employment,
    }
    labels = {name: choice_labels(choices) for name, choices in choices_of.items()}

    def yes(flag: bool) -> str:
        return "是" if flag else "否"

    rows = (
        [
            p.name,
            p.id_number,
            labels["gender"][p.gender],
            p.birth_date.isoformat(),
            plan.schools[p.school_index].code,
            plan.schools[p.school_index].name,
            labels["stage"][p.stage],
            "、".join(p.subjects),
            labels["title"][p.title],
            str(p.teaching_since),
            labels["degree"][p.degree],
            labels["backbone"][p.backbone_level],
            yes(p.is_homeroom_teacher),
            yes(p.is_new_teacher),
            yes(p.is_famous_teacher),
            labels["post"][p.leadership_post],
            labels["employment"][p.employment],
            p.phone,
        ]
        for p in plan.teachers
    )
    path = workdir / "roster.xlsx"
    # Excel and WPS keep text in a shared-strings table; write the file as they do (our own
    # exports stream inline strings instead, which calamine reads about 1.5x slower).
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for number, row in enumerate(itertools.chain([HEADERS], rows)):
        for column, value in enumerate(row):
            if value:
                sheet.write_string(number, column, value)
    workbook.close()
    return {"schools": summary.schools, "file_mib": path.stat().st_size / 2**20}


def _import(workdir: Path) -> dict:
    from django.conf import settings
    from django.core.files import File

    from yanxiu.imports.engine import run_import
    from yanxiu.roster.importer import RosterImport

    settings.MEDIA_ROOT = workdir / "media"
    path = workdir / "roster.xlsx"
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as source:
        job = run_import(RosterImport(by=None), File(source, name=path.name), by=None, commit=True)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        # The spreadsheet is parsed in a child process (yanxiu/imports/tables.py) that runs
        # alongside: count both.
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "created": job.created_rows,
        "unchanged": job.unchanged_rows,
        "rejected": job.rejected_rows,
    }


if __name__ == "__main__":
    import django

    django.setup()
    step, directory, *rest = sys.argv[1:]
    if step == "prepare":
        outcome = _prepare(Path(directory), int(rest[0]))
    else:
        outcome = _import(Path(directory))
    print(json.dumps(outcome))
