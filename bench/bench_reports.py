"""Report pages, their exports and certificate PDFs at region scale on PostgreSQL.

The region of bench_credits (20,000 teachers × 30 entries = 600,000 entries, loaded
with its COPY loaders into a fresh database), then, each the median of several runs,
whole HTTP requests through Django's test client as the bureau admin:

- the region report page (zones, schools, four charts) and its .xlsx export —
  target < 1 s each, shown against bench_credits' bare SQL aggregate; the page
  also on a first visit, before the monthly trend (a scan of the ledger) is cached;
- a zone page and a school page (the school page reads the region's teacher rows);
- one certificate PDF (facts, WeasyPrint render, QR code).

    .venv/bin/python bench/run.py reports
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from bench.bench_credits import (
    BARE_REPORT,
    YEAR,
    _load_entries,
    _load_teachers,
    _org,
    _setup_django,
    _sql,
)
from bench.common import ROOT, Result, admin_sql, median_seconds

DB_NAME = "yanxiu_bench_reports"
TEACHERS = 20_000
ENTRIES_PER_TEACHER = 30


def run() -> list[Result]:
    figures = _in_fresh_database()
    return [
        Result("region report page", figures["region_s"], "s", 1, "bare SQL report", None),
        Result("region report page, trend not cached", figures["region_cold_s"], "s"),
        Result("region report .xlsx", figures["region_xlsx_s"], "s", 1),
        Result("bare SQL report", figures["bare_report_s"], "s"),
        Result("zone report page", figures["zone_s"], "s", 1),
        Result("school report page (as bureau admin)", figures["school_s"], "s", 1),
        Result("certificate PDF download", figures["pdf_s"], "s"),
    ]


def _in_fresh_database() -> dict[str, Any]:
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
    env = {
        "DJANGO_SETTINGS_MODULE": "yanxiu.settings.test",
        "YANXIU_TEST_DB": "postgres",
        "YANXIU_PG_NAME": DB_NAME,
    }
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_reports", "--child"],
            cwd=ROOT,
            env={**os.environ, **env},
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


def child() -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from yanxiu.credits.services import recompute_totals
    from yanxiu.orgs.models import Teacher

    region, admin, schools = _org(TEACHERS)
    _load_teachers(region, schools, TEACHERS)
    _load_entries(admin, ENTRIES_PER_TEACHER)
    recompute_totals(YEAR)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(admin)

    def get(url: str, **params: Any) -> None:
        response = client.get(url, {"year": YEAR, **params})
        assert response.status_code == 200, (url, response.status_code)

    region_url = reverse("credit_reports:region", args=[region.pk])
    zone_url = reverse("credit_reports:zone", args=[schools[0].zone_id])
    school_url = reverse("credit_reports:school", args=[schools[0].pk])
    passing = Teacher.objects.filter(school=schools[1]).order_by("pk")[1]
    pdf_url = reverse("certificates:download", args=[passing.pk, YEAR, "transcript"])

    def cold(url: str) -> None:
        cache.clear()
        get(url)

    return {
        "region_s": median_seconds(lambda: get(region_url)),
        "region_cold_s": median_seconds(lambda: cold(region_url)),
        "region_xlsx_s": median_seconds(lambda: get(region_url, format="xlsx")),
        "bare_report_s": median_seconds(lambda: _sql(BARE_REPORT, [YEAR, region.pk])),
        "zone_s": median_seconds(lambda: get(zone_url)),
        "school_s": median_seconds(lambda: get(school_url)),
        "pdf_s": median_seconds(lambda: get(pdf_url)),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _setup_django()
        print(json.dumps(child()))
        return
    from bench.run import table

    print(table([("bench_reports", r) for r in run()])[0])


if __name__ == "__main__":
    main(sys.argv[1:])
