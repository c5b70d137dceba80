"""Credits at region and province scale on PostgreSQL.

Region (issue 3): 20,000 teachers with 30 ledger entries each (600,000 entries,
loaded with COPY). Timed, each as the median of several runs, and each against
the bare SQL aggregate over the same rows:

- the region compliance report (``unit_rows(level="region")``, which also rolls up
  every school) — target < 1 s and ≤ 2× a hand-written SQL aggregate over the
  same summary rows;
- its .xlsx export (the school rows of the region, ``write_compliance_report``) —
  target < 1 s;
- the region report page itself (a GET through Django's test client: middleware,
  report with charts' data and monthly trend, template) and its ``?format=xlsx``
  download — target < 1 s each;
- one new entry through ``post_credit`` (ledger row + summary row, committed), after
  which every roll-up shows it because roll-ups read the summary — target < 50 ms
  and ≤ 2× a bare INSERT + UPDATE of the same two rows.

The recompute compares the ledger's sums with the summary in one read-only query (into
a temporary table; PostgreSQL may run it in parallel), then writes the rows that differ.
Its ratio to the bare GROUP BY over the same ledger rows (hours and credits summed apart,
as the summary holds them, every row fetched) is timed for a first build (every row
written, the summary's key built once afterwards; median of three builds from an empty
summary) and for a recompute over a year the postings kept in step (every row compared,
none written) — target ≤ 2× for both.

Province (``--province [SCALE]``, or BENCH_CREDITS_PROVINCE=SCALE with run.py):
1,000,000 teachers × 50 entries scaled by SCALE (default 0.1 = 5,000,000 entries),
timing the COPY load and ``recompute_credit_totals`` (a first build, which writes every
row, extrapolated linearly to full scale — target < 5 min).

    .venv/bin/python bench/run.py credits
    .venv/bin/python -m bench.bench_credits --province 0.1
"""

from __future__ import annotations

import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

from bench.common import ROOT, Result, admin_sql, bench_env, median_seconds

DB_NAME = "yanxiu_bench_credits"
ENV = bench_env(DB_NAME)
# Single postings are dominated by the commit's fsync, which varies: take more of them.
POST_ROUNDS = 21
YEAR = 2026
TEACHERS_PER_SCHOOL = 100
SCHOOLS_PER_ZONE = 10
PROVINCE_TEACHERS = 1_000_000
PROVINCE_ENTRIES_PER_TEACHER = 50


def run() -> list[Result]:
    scale = os.environ.get("BENCH_CREDITS_PROVINCE")
    if scale:
        return province(float(scale))
    teachers = int(os.environ.get("BENCH_CREDITS_TEACHERS", "20000"))
    per_teacher = int(os.environ.get("BENCH_CREDITS_ENTRIES", "30"))
    figures = _in_fresh_database("region", str(teachers), str(per_teacher))
    print(
        f"   {teachers:,} teachers × {per_teacher} = {teachers * per_teacher:,} entries; "
        f"COPY {figures['load_s']:.1f} s, recompute {figures['recompute_s']:.2f} s; "
        f"{figures['passed']:,} teachers pass, {figures['failing_schools']} of "
        f"{figures['schools']} schools fail"
    )
    return [
        Result("region report (unit_rows)", figures["report_s"], "s", 1, "bare SQL report", 2),
        Result("bare SQL report", figures["bare_report_s"], "s"),
        Result("region report over the raw ledger (SQL)", figures["ledger_report_s"], "s"),
        Result("region report .xlsx export", figures["xlsx_s"], "s", 1, "bare SQL report", 2),
        Result("teacher-level .xlsx export", figures["teacher_xlsx_s"], "s"),
        Result("region report page (GET, rendered, with trend)", figures["page_s"], "s", 1),
        Result("region report page ?format=xlsx (GET)", figures["page_xlsx_s"], "s", 1),
        Result(
            "post_credit, summary updated", figures["post_s"] * 1000, "ms", 50, "bare SQL post", 2
        ),
        Result("bare SQL post", figures["bare_post_s"] * 1000, "ms"),
        Result(
            "full recompute (region)",
            figures["recompute_s"],
            "s",
            ratio_to="bare SQL GROUP BY",
            ratio_target=2,
        ),
        Result(
            "recompute over a year in step (writes none)",
            figures["recompute_again_s"],
            "s",
            ratio_to="bare SQL GROUP BY",
            ratio_target=2,
        ),
        Result("bare SQL GROUP BY", figures["bare_group_s"], "s"),
    ]


def province(scale: float) -> list[Result]:
    teachers = int(PROVINCE_TEACHERS * scale)
    figures = _in_fresh_database("province", str(teachers), str(PROVINCE_ENTRIES_PER_TEACHER))
    factor = 1 / scale
    entries = teachers * PROVINCE_ENTRIES_PER_TEACHER
    print(
        f"   {teachers:,} teachers × {PROVINCE_ENTRIES_PER_TEACHER} = {entries:,} entries "
        f"(scale {scale:g}); COPY {figures['load_s']:.1f} s; "
        f"recompute {figures['recompute_s']:.1f} s (×{factor:g} ≈ "
        f"{figures['recompute_s'] * factor:.0f} s at full scale), again "
        f"{figures['recompute_again_s']:.1f} s"
    )
    return [
        Result(
            f"full recompute, {entries:,} entries",
            figures["recompute_s"],
            "s",
            ratio_to="bare SQL GROUP BY",
            ratio_target=2,
        ),
        Result(
            "recompute over a year in step (writes none)",
            figures["recompute_again_s"],
            "s",
            ratio_to="bare SQL GROUP BY",
            ratio_target=2,
        ),
        Result("bare SQL GROUP BY", figures["bare_group_s"], "s"),
        Result(
            "full recompute, extrapolated to 50,000,000",
            figures["recompute_s"] * factor,
            "s",
            target=300,
        ),
        Result(f"COPY {entries:,} entries", figures["load_s"], "s"),
        Result(
            "post_credit, summary updated", figures["post_s"] * 1000, "ms", 50, "bare SQL post", 2
        ),
        Result("bare SQL post", figures["bare_post_s"] * 1000, "ms"),
    ]


def _in_fresh_database(*args: str) -> dict[str, Any]:
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_credits", "--child", *args],
            cwd=ROOT,
            env={**os.environ, **ENV},
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        print(exc.stdout, exc.stderr, file=sys.stderr)
        raise
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


# ------------------------------------------------------------------ child process


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _org(teachers: int) -> tuple[Any, Any, list[Any]]:
    from yanxiu.orgs.models import Region, RoleAssignment, School, Stage, User, Zone

    region = Region.objects.create(code="330302", name="基准区")
    schools = []
    school_count = max(1, teachers // TEACHERS_PER_SCHOOL)
    for z in range((school_count + SCHOOLS_PER_ZONE - 1) // SCHOOLS_PER_ZONE):
        zone = Zone.objects.create(region=region, code=f"Z{z:03d}", name=f"第{z + 1}片区")
        for s in range(SCHOOLS_PER_ZONE):
            n = z * SCHOOLS_PER_ZONE + s
            if n < school_count:
                schools.append(
                    School.objects.create(
                        region=region,
                        zone=zone,
                        code=f"S{n:05d}",
                        name=f"第{n + 1}小学",
                        stage=Stage.PRIMARY,
                    )
                )
    for school in schools:
        school.refresh_from_db()
    admin = User.objects.create(username="bureau", full_name="教育局")
    RoleAssignment.objects.create(user=admin, role="bureau_admin", region=region)
    return region, admin, schools


def _copy(table: str, columns: list[str], rows: Any) -> float:
    from django.db import connection

    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    raw.commit()
    return time.perf_counter() - started


def _load_teachers(region: Any, schools: list[Any], teachers: int) -> float:
    """COPY teachers: every concrete column from an unsaved model instance's defaults."""
    from django.db import connection
    from django.utils import timezone

    from yanxiu.orgs.models import Teacher

    now = timezone.now()
    template = Teacher(
        region=region,
        school=schools[0],
        name="",
        gender="F",
        birth_date=datetime.date(1985, 3, 14),
        stage="primary",
        teaching_since=2010,
        created_at=now,
        updated_at=now,
    )
    fields = [f for f in Teacher._meta.concrete_fields if not f.primary_key]
    base = {f.column: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}

    def rows() -> Any:
        for i in range(teachers):
            school = schools[i // TEACHERS_PER_SCHOOL % len(schools)]
            base.update(
                school_id=school.pk,
                name=f"教师{i}",
                id_number_hash=f"{i:064d}",
                id_number_cipher="x",
                id_number_masked="330302********0000",
                org_path=school.org_path,
            )
            yield tuple(base.values())

    return _copy(Teacher._meta.db_table, list(base), rows())


def _load_entries(admin: Any, per_teacher: int) -> float:
    from yanxiu.credits.models import CreditEntry
    from yanxiu.orgs.models import Teacher

    ids = list(Teacher.objects.order_by("pk").values_list("pk", flat=True))
    columns = [
        "teacher_id",
        "year",
        "category",
        "amount",
        "unit",
        "activity_type",
        "source_label",
        "source_generation",
        "reason",
        "occurred_on",
        "certified_by_id",
        "idempotency_key",
        "certified_at",
        "created_at",
    ]
    categories = ("centralized", "online", "school_based", "school_based", "online")
    stamp = datetime.datetime(YEAR, 6, 1, tzinfo=datetime.UTC)

    def rows() -> Any:
        for n, teacher_id in enumerate(ids):
            # Most teachers reach the seed policy; every seventh does not, nor a quarter
            # of the teachers of every fifth school, so that those schools fail.
            behind = n % 7 == 0 or (n // TEACHERS_PER_SCHOOL % 5 == 0 and n % 4 == 0)
            for k in range(per_teacher):
                amount = Decimal(1) if behind else Decimal(2 + (n + k) % 3)
                unit = "hour" if k % 5 == 4 else "credit"
                yield (
                    teacher_id,
                    YEAR,
                    categories[k % 5],
                    amount,
                    unit,
                    "",
                    "",
                    0,
                    "基准数据",
                    datetime.date(YEAR, 1 + k % 12, 1 + k % 28),
                    admin.pk,
                    "",
                    stamp,
                    stamp,
                )

    return _copy(CreditEntry._meta.db_table, columns, rows())


def _sql(query: str, params: list[Any]) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


BARE_REPORT = """
WITH t AS (
  SELECT te.id, te.school_id,
    COALESCE(SUM(y.credits + y.hours) FILTER (WHERE y.category = 'centralized'), 0) AS c,
    COALESCE(SUM(y.credits + y.hours) FILTER (WHERE y.category = 'online'), 0) AS o,
    COALESCE(SUM(y.credits + y.hours) FILTER (WHERE y.category = 'school_based'), 0) AS s
  FROM orgs_teacher te
  LEFT JOIN credits_teacheryeartotal y ON y.teacher_id = te.id AND y.year = %s
  WHERE te.region_id = %s AND te.is_active
  GROUP BY te.id, te.school_id
)
SELECT school_id, COUNT(*),
       COUNT(*) FILTER (WHERE c >= 16 AND o >= 8 AND s >= 24 AND c + o + s >= 48)
FROM t GROUP BY school_id
"""

LEDGER_REPORT = """
WITH t AS (
  SELECT te.id, te.school_id,
    COALESCE(SUM(e.amount) FILTER (WHERE e.category = 'centralized'), 0) AS c,
    COALESCE(SUM(e.amount) FILTER (WHERE e.category = 'online'), 0) AS o,
    COALESCE(SUM(e.amount) FILTER (WHERE e.category = 'school_based'), 0) AS s
  FROM orgs_teacher te
  LEFT JOIN credits_creditentry e ON e.teacher_id = te.id AND e.year = %s
  WHERE te.region_id = %s AND te.is_active
  GROUP BY te.id, te.school_id
)
SELECT school_id, COUNT(*),
       COUNT(*) FILTER (WHERE c >= 16 AND o >= 8 AND s >= 24 AND c + o + s >= 48)
FROM t GROUP BY school_id
"""


def _page_figures(admin: Any, region: Any) -> dict[str, float]:
    """The region report page as the bureau admin opens it: the whole request, rendered
    (charts' data and the monthly trend included), and its Excel download."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin)
    url = reverse("credit_reports:region", args=[region.pk])

    def get(**query: str) -> None:
        params: dict[str, str | int] = {"year": YEAR, **query}
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        assert b"".join(response)  # a streamed download is written only when read

    return {
        "page_s": median_seconds(get),
        "page_xlsx_s": median_seconds(lambda: get(format="xlsx")),
    }


def child_region(teachers: int, per_teacher: int) -> dict[str, Any]:
    from yanxiu.credits.exports import write_compliance_report
    from yanxiu.credits.selectors import unit_rows

    region, admin, schools = _org(teachers)
    load = _load_teachers(region, schools, teachers) + _load_entries(admin, per_teacher)
    recompute = _recompute_figures()

    [row] = unit_rows(admin, YEAR, "region")
    bare = {s: (n, p) for s, n, p in _sql(BARE_REPORT, [YEAR, region.pk])}
    assert sum(p for _, p in bare.values()) == row.passed, (row, "bare SQL disagrees")

    figures: dict[str, Any] = {
        "load_s": load,
        **recompute,
        "passed": row.passed,
        "schools": row.schools,
        "failing_schools": row.failing_schools,
        "report_s": median_seconds(lambda: unit_rows(admin, YEAR, "region")),
        "bare_report_s": median_seconds(lambda: _sql(BARE_REPORT, [YEAR, region.pk])),
        "ledger_report_s": median_seconds(lambda: _sql(LEDGER_REPORT, [YEAR, region.pk]), rounds=3),
        "xlsx_s": median_seconds(
            lambda: write_compliance_report(io.BytesIO(), "xlsx", admin, YEAR, "school")
        ),
        "teacher_xlsx_s": median_seconds(
            lambda: write_compliance_report(io.BytesIO(), "xlsx", admin, YEAR, "teacher"), rounds=3
        ),
    }

    figures.update(_page_figures(admin, region))
    before = row.passed
    figures.update(_post_figures(admin))
    [after] = unit_rows(admin, YEAR, "region")
    assert after.passed >= before
    return figures


def _post_figures(admin: Any) -> dict[str, float]:
    """One posting through the service (ledger + summary, committed) against bare SQL."""
    from django.db import connection, transaction

    from yanxiu.credits.services import post_credit
    from yanxiu.orgs.models import Teacher

    figures: dict[str, float] = {}
    pool = iter(Teacher.objects.order_by("pk")[: POST_ROUNDS + 1])

    def post() -> None:
        with transaction.atomic():
            post_credit(
                teacher=next(pool),
                year=YEAR,
                category="online",
                amount=Decimal(1),
                unit="credit",
                source=None,
                certified_by=admin,
                occurred_on=datetime.date(YEAR, 7, 1),
                reason="基准",
            )

    figures["post_s"] = median_seconds(post, POST_ROUNDS)
    teacher_id = Teacher.objects.order_by("pk").values_list("pk", flat=True)[POST_ROUNDS + 2]

    def bare_post() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO credits_creditentry (teacher_id, year, category, amount, unit,"
                " activity_type, source_label, source_generation, reason, occurred_on,"
                " certified_by_id, idempotency_key, certified_at, created_at) VALUES"
                " (%s, %s, 'online', 1, 'credit', '', '', 0, '基准', %s, %s, '', now(), now())",
                [teacher_id, YEAR, datetime.date(YEAR, 7, 1), admin.pk],
            )
            cursor.execute(
                "UPDATE credits_teacheryeartotal SET credits = credits + 1"
                " WHERE teacher_id = %s AND year = %s AND category = 'online'",
                [teacher_id, YEAR],
            )

    figures["bare_post_s"] = median_seconds(bare_post, POST_ROUNDS)
    return figures


def _recompute_figures() -> dict[str, float]:
    """Build the summary from scratch (median of 3), then recompute over it in step; and
    the bare GROUP BY that sums the same columns the summary holds, fetched."""
    from django.db import connection, transaction

    from yanxiu.credits.models import TeacherYearTotal, Unit
    from yanxiu.credits.services import recompute_totals

    with connection.cursor() as cursor:
        # A ledger in use has been vacuumed; a freshly COPied one has not, and whichever
        # query read it first would pay for setting every row's hint bits.
        cursor.execute("VACUUM ANALYZE")
    builds = []
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TeacherYearTotal._meta.db_table}")
        started = time.perf_counter()
        recompute_totals(YEAR)
        builds.append(time.perf_counter() - started)

    def bare() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(
                "SELECT teacher_id, category,"
                " COALESCE(SUM(CASE WHEN unit = %s THEN amount END), 0),"
                " COALESCE(SUM(CASE WHEN unit = %s THEN amount END), 0)"
                " FROM credits_creditentry WHERE year = %s GROUP BY teacher_id, category",
                [Unit.HOUR.value, Unit.CREDIT.value, YEAR],
            )
            cursor.fetchall()

    return {
        "recompute_s": statistics.median(builds),
        "recompute_again_s": median_seconds(lambda: recompute_totals(YEAR), rounds=3),
        "bare_group_s": median_seconds(bare, rounds=3),
    }


def child_province(teachers: int, per_teacher: int) -> dict[str, Any]:
    region, admin, schools = _org(teachers)
    load = _load_teachers(region, schools, teachers) + _load_entries(admin, per_teacher)
    return {"load_s": load, **_recompute_figures(), **_post_figures(admin)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _setup_django()
        kind, teachers, per_teacher = argv[1], int(argv[2]), int(argv[3])
        child = child_region if kind == "region" else child_province
        print(json.dumps(child(teachers, per_teacher)))
        return
    scale = float(argv[1]) if argv[:1] == ["--province"] and len(argv) > 1 else 0.1
    results = province(scale) if argv[:1] == ["--province"] else run()
    from bench.run import table

    print(table([("bench_credits", r) for r in results])[0])


if __name__ == "__main__":
    main(sys.argv[1:])
