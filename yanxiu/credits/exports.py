"""Compliance reports as spreadsheets: the same rows the pages show, as .xlsx or .csv."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from yanxiu.credits.compliance import Level
from yanxiu.credits.rows import TeacherRow, UnitRow
from yanxiu.credits.selectors import compliance_rows
from yanxiu.imports.tables import write_table
from yanxiu.orgs.models import Region, User


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return f"{value:.2%}"
    return str(value)


def write_compliance_report(
    out: IO[bytes],
    fmt: str,
    user: User | None,
    year: int,
    level: Level | str,
    *,
    region: Region | None = None,
) -> int:
    """Write the ``level`` report for ``year`` over what ``user`` sees (all if None).

    Returns the number of rows written.
    """
    rows = compliance_rows(user, year, level, region=region)
    header = TeacherRow.headers() if level == "teacher" else UnitRow.headers()
    return write_table(out, fmt, header, ([_text(v) for v in row.cells()] for row in rows))
