"""Spreadsheet files for import tests, built in memory."""

from __future__ import annotations

import io
import zipfile
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


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELS_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_RELS_NS}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELS_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_RELS_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def xlsx_bomb(
    rows: int,
    *,
    shared_string: str = "张三",
    cells_per_row: int = 2,
    header: Sequence[str] = (),
) -> bytes:
    """A small .xlsx whose sheet repeats one shared string in every cell of ``rows`` rows
    (under an optional ``header`` row).

    2,000,000 rows pack into about 300 KB and unpack into about 100 MB of XML, as the
    file in issue #9 did.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PACKAGE_PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="1" uniqueCount="1">'
            f"<si><t>{shared_string}</t></si></sst>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode()
            )
            titles = "".join(f'<c t="inlineStr"><is><t>{title}</t></is></c>' for title in header)
            sheet.write(f"<row>{titles}</row>".encode() if header else b"")
            row = ("<row>" + '<c t="s"><v>0</v></c>' * cells_per_row + "</row>").encode()
            block = row * 1000
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(row * (rows % 1000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def far_cell_xlsx(cell: str = "XFD1048576") -> bytes:
    """Two cells, A1 and ``cell``: calamine would allocate every cell in between."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PACKAGE_PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0"?><sst {_NS} count="1" uniqueCount="1"><si><t>x</t></si></sst>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet {_NS}><sheetData>'
            '<row><c r="A1" t="s"><v>0</v></c></row>'
            f'<row><c r="{cell}" t="s"><v>0</v></c></row></sheetData></worksheet>',
        )
    return out.getvalue()
