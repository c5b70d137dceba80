"""Spreadsheet bombs are refused fast and in little memory (issue #9, item 6).

The file of the issue: 2,000,000 rows whose cells all point at one shared string,
about 300 KB packed, ~100 MB of XML unpacked; it used to run 150 s, peak at 5.4 GB
and end in a 500. Each case runs ``preview_import`` (the roster import, as the upload
page does) in its own process on a throw-away PostgreSQL database; the peak is the
importing process's RSS plus its parser child's (they may coexist).

- the bomb as uploaded: the compression-ratio check refuses it before parsing;
- the same bomb with that check switched off: the parser reads it in its child, where
  2,000,000 rows × 18 roster columns pass the child's memory ceiling (with fewer
  columns, the row limit counted while reading refuses it: tests/security);
- one cell at A1 and one at XFD1048576: calamine would allocate every cell in between
  (512 GiB) and abort its process; the parser child's memory ceiling turns that into
  a refusal.

Targets: under 10 s and under 1 GiB each.

    .venv/bin/python bench/run.py import_limits
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result, admin_sql, bench_env, run_step

DB_NAME = "yanxiu_bench_import_limits"
ENV = bench_env(DB_NAME)
BOMB_ROWS = 2_000_000
CASES = {
    "bomb": "2,000,000-row shared-string bomb",
    "bomb-no-ratio-check": "  same bomb, ratio check off",
    "far-cell": "one cell at XFD1048576 (parser memory ceiling refuses)",
}


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="yanxiu-bench-") as workdir:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        admin_sql(f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0")
        try:
            _child("prepare", workdir)
            outcomes = {case: _child(case, workdir) for case in CASES}
        finally:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    results = []
    for case, label in CASES.items():
        outcome = outcomes[case]
        print(
            f"   {label}: {outcome['file_kib']:.0f} KiB file, refused with “{outcome['refusal']}”"
        )
        results.append(Result(f"{label}: time to refusal", outcome["seconds"], "s", target=10))
        results.append(
            Result(
                "    peak memory (RSS, importer + parser)", outcome["peak_mib"], "MiB", target=1024
            )
        )
    return results


def _child(step: str, workdir: str) -> dict:
    return run_step("bench.bench_import_limits", ENV, step, workdir)


# ---- steps run in child processes (Django configured from ENV) ----


def _prepare(workdir: Path) -> dict:
    from django.core.management import call_command

    from tests.imports.files import far_cell_xlsx, xlsx_bomb
    from yanxiu.roster.importer import HEADERS

    call_command("migrate", verbosity=0)
    # Under the roster's header every row is read, as a real roster's would be.
    (workdir / "bomb.xlsx").write_bytes(xlsx_bomb(BOMB_ROWS, header=HEADERS))
    (workdir / "far-cell.xlsx").write_bytes(far_cell_xlsx())
    return {}


def _preview(workdir: Path, case: str) -> dict:
    from django.conf import settings
    from django.core.files import File

    from yanxiu.imports.engine import preview_import
    from yanxiu.roster.importer import RosterImport

    settings.MEDIA_ROOT = workdir / "media"
    if case == "bomb-no-ratio-check":
        settings.IMPORT_MAX_COMPRESSION_RATIO = 10**9
    path = workdir / ("far-cell.xlsx" if case == "far-cell" else "bomb.xlsx")
    started = time.perf_counter()
    with path.open("rb") as source:
        job = preview_import(RosterImport(by=None), File(source, name=path.name), by=None)
    seconds = time.perf_counter() - started
    peak_kib = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    return {
        "seconds": seconds,
        "peak_mib": peak_kib / 1024,
        "file_kib": path.stat().st_size / 1024,
        "refusal": job.file_errors[0].message if job.file_errors else "",
    }


if __name__ == "__main__":
    import django

    django.setup()
    step, directory = sys.argv[1:]
    outcome = _prepare(Path(directory)) if step == "prepare" else _preview(Path(directory), step)
    print(json.dumps(outcome, ensure_ascii=False))
