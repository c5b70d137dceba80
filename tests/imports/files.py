"""Spreadsheet files for import tests, built in memory."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanxiu.imports.tables import write_table


def table_bytes(header: Sequence[str], rows: Sequence[Sequence[str]], fmt: str = "xlsx") -> bytes:
    out = io.BytesIO()
    write_table(out, fmt, header, rows)
    return out.getvalue()


def table_file(
    header: Sequence[str], rows: Sequence[Sequence[str]], fmt: str = "xlsx", name: str = "名册"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.{fmt}", table_bytes(header, rows, fmt))


def gbk_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> SimpleUploadedFile:
    """A CSV as Chinese Excel saves it: GBK, no BOM."""
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return SimpleUploadedFile("名册.csv", "\r\n".join(lines).encode("gbk"))


@pytest.fixture
def temporary_media(settings, tmp_path):
    """Uploaded files go to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
