"""Spreadsheets as text: read .xlsx/.csv into a header and rows, write rows back out.

Reading turns every cell into the text a person would see (2010.0 → "2010", a
date cell → "1985-03-14"), so that column parsers deal with one kind of input
whatever program wrote the file. Writing uses the same headers, so an export
can be imported again unchanged.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import python_calamine
import xlsxwriter
from django.utils.translation import gettext as _

from yanxiu.core.csvsafe import restore_cell, safe_writer

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
CSV_SUFFIXES = frozenset({".csv"})
EXACT_FLOAT_LIMIT = 1e15
# Chinese Excel saves "CSV" in the system code page (GBK); GB18030 is its superset.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
WRITE_FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class UnreadableFile(ValueError):
    """The file is not a spreadsheet we can read; the message says why, in Chinese."""


@dataclass
class Table:
    """A sheet's header and its data rows; ``first_row_number`` is the sheet row of rows[0]."""

    header: list[str]
    rows: Iterator[list[str]]
    first_row_number: int = 2


def cell_text(value: object) -> str:
    """The text a person sees in a cell, with integral numbers and dates written plainly."""
    if type(value) is str:
        # str.strip() also removes the ideographic space (U+3000) Chinese input leaves behind.
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if abs(value) >= EXACT_FLOAT_LIMIT:
            # Excel keeps 15 significant digits: an 18-digit ID number typed as a number has
            # already lost its last digits. Show it as Excel does, so parsers can say so.
            return f"{value:.14E}"
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def file_format(filename: str) -> str:
    """'xlsx' or 'csv' for a file name, or UnreadableFile."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise UnreadableFile(_("只能导入 .xlsx 或 .csv 文件"))


def read_table(source: IO[bytes], filename: str) -> Table:
    """Read the first sheet of an Excel file, or a CSV file, as text cells."""
    if file_format(filename) == "csv":
        return _read_csv(source.read())
    return _read_excel(source)


def _read_excel(source: IO[bytes]) -> Table:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(source)
        sheet = workbook.get_sheet_by_index(0)
    except (python_calamine.CalamineError, ValueError, IndexError) as exc:
        raise UnreadableFile(_("无法读取该 Excel 文件，请确认文件未损坏")) from exc
    rows = iter(sheet.iter_rows())
    header = [cell_text(v) for v in next(rows, [])]
    start = sheet.start
    header_row_number = (start[0] + 1) if start else 1
    return Table(
        header=header,
        rows=([cell_text(v) for v in row] for row in rows),
        first_row_number=header_row_number + 1,
    )


def _read_csv(data: bytes) -> Table:
    for encoding in CSV_ENCODINGS:
        try:
            text = codecs.decode(data, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 Excel 文件"))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell_text(restore_cell(v)) for v in next(reader, [])]
    return Table(header=header, rows=([cell_text(restore_cell(v)) for v in row] for row in reader))


def write_table(
    out: IO[bytes], fmt: str, header: Sequence[str], rows: Iterable[Sequence[str]]
) -> int:
    """Write a header and rows as .xlsx or .csv (UTF-8 with BOM); returns the number of rows."""
    if fmt == "csv":
        return _write_csv(out, header, rows)
    if fmt == "xlsx":
        return _write_xlsx(out, header, rows)
    raise ValueError(fmt)


def _write_csv(out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    # The BOM is what makes Excel open a UTF-8 file as UTF-8 rather than GBK.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = safe_writer(text, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.detach()
    return count


def _write_xlsx(out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    # constant_memory streams each row to disk, so 100,000 rows cost no more memory than ten.
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.set_column(0, max(len(header) - 1, 0), 14, text)
    for col, title in enumerate(header):
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value:
                sheet.write_string(count, col, value, text)
    workbook.close()
    return count
