"""Spreadsheets as text: read .xlsx/.csv into a header and rows, write rows back out.

Reading turns every cell into the text a person would see (2010.0 → "2010", a
date cell → "1985-03-14"), so that column parsers deal with one kind of input
whatever program wrote the file. Writing uses the same headers, so an export
can be imported again unchanged.
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime
import faulthandler
import io
import logging
import multiprocessing
import os
import resource
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import PurePath
from typing import IO, Any

import python_calamine
import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yanxiu.core.csvsafe import restore_cell, safe_writer
from yanxiu.core.errors import DomainError

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
CSV_SUFFIXES = frozenset({".csv"})
EXACT_FLOAT_LIMIT = 1e15
# Chinese Excel saves "CSV" in the system code page (GBK); GB18030 is its superset.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
WRITE_FORMATS = ("xlsx", "csv")
MEGABYTE = 1024 * 1024
INFLATE_CHUNK = MEGABYTE
# Small parts (styles, the workbook) compress well and cannot hurt; only big ones are judged.
RATIO_FLOOR = MEGABYTE
ROW_BATCH = 1000
BROKEN_EXCEL = gettext_lazy("无法读取该 Excel 文件，请确认文件未损坏")
BROKEN_CSV = gettext_lazy("CSV 文件格式有误（例如引号不成对或单元格过长），请检查后重新上传")
OUT_OF_MEMORY = gettext_lazy("读取该文件所需的内存超过上限，请拆分后分批导入")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


logger = logging.getLogger(__name__)


class UnreadableFile(DomainError):
    """The file is not a spreadsheet we can read; the message says why, in Chinese."""

    code = "unreadable_file"


class TooLarge(UnreadableFile):
    """The file is beyond an import limit (size, unpacked size, rows, parser memory or time)."""

    code = "import_too_large"


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
    """Read the first sheet of an Excel file, or a CSV file, as text cells.

    The limits (``ReadLimits``) are checked before parsing, and the rows counted as
    they are read; a file beyond them is refused with ``TooLarge``.
    """
    fmt = file_format(filename)
    limits = ReadLimits.from_settings()
    data = source.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise TooLarge(
            _("文件超过 %(mb)d MB，请拆分后分批导入") % {"mb": limits.file_bytes // MEGABYTE}
        )
    if fmt == "csv":
        table = _read_csv(data)
    else:
        _check_parts(data, limits)
        table = _read_excel(data, limits)
    table.rows = _at_most(table.rows, limits.rows)
    return table


@dataclass(frozen=True)
class ReadLimits:
    """How big an imported spreadsheet may be: the IMPORT_* settings."""

    file_bytes: int
    uncompressed_bytes: int
    compression_ratio: int
    rows: int
    parser_memory_bytes: int
    parse_seconds: float

    @classmethod
    def from_settings(cls) -> ReadLimits:
        return cls(
            file_bytes=settings.IMPORT_MAX_FILE_BYTES,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            rows=settings.IMPORT_MAX_ROWS,
            parser_memory_bytes=settings.IMPORT_PARSER_MEMORY_BYTES,
            parse_seconds=settings.IMPORT_PARSE_SECONDS,
        )


def _at_most(rows: Iterator[list[str]], limit: int) -> Iterator[list[str]]:
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise TooLarge(_("文件超过 %(rows)d 行，请拆分后分批导入") % {"rows": limit})
        yield row


def _check_parts(data: bytes, limits: ReadLimits) -> None:
    """Unpack every part of an .xlsx (a zip) once, counting bytes, before calamine sees it.

    The sizes a zip declares are not trusted: each part is inflated with a budget of
    what the whole file may still unpack to, and refused as soon as it passes that
    budget or unpacks to more than ``compression_ratio`` times its packed size.
    An .xls is not a zip and has no compression; the file size bounds it.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return
    budget = limits.uncompressed_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                budget -= _inflated_size(archive, info, budget, limits)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as exc:
        raise UnreadableFile(BROKEN_EXCEL) from exc


def _inflated_size(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: ReadLimits
) -> int:
    probe = copy.copy(info)
    # Read past the declared size: a part that lies about it is still counted in full
    # (and fails its checksum, which zipfile verifies at the real end of the data). The
    # extra chunk keeps zipfile from stopping, and checking, before the budget is passed.
    probe.file_size = budget + INFLATE_CHUNK + 1
    size = 0
    with archive.open(probe) as part:
        while chunk := part.read(INFLATE_CHUNK):
            size += len(chunk)
            if size > budget:
                raise TooLarge(
                    _("文件解压后超过 %(mb)d MB，请拆分后分批导入")
                    % {"mb": limits.uncompressed_bytes // MEGABYTE}
                )
            if size > RATIO_FLOOR and size > limits.compression_ratio * max(info.compress_size, 1):
                raise TooLarge(
                    _("文件的压缩比异常（超过 %(ratio)d 倍），不能导入")
                    % {"ratio": limits.compression_ratio}
                )
    return size


def _read_excel(data: bytes, limits: ReadLimits) -> Table:
    """The first sheet, parsed by calamine in a child process under a memory ceiling.

    calamine builds the whole sheet before handing out the first row, and a crafted
    file (one far-away cell, a long shared string repeated in every cell) makes it
    allocate terabytes and abort its process; in a child, that abort is a refusal
    instead of a dead web worker. Rows come back in batches through a pipe.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_parse_in_child, args=(data, sender, limits.parser_memory_bytes), daemon=True
    )
    child.start()
    sender.close()
    messages = _messages(child, receiver, limits.parse_seconds)
    first_row_number, header = next(messages)
    return Table(
        header=header,
        rows=(row for batch in messages for row in batch),
        first_row_number=first_row_number,
    )


def _messages(
    child: multiprocessing.process.BaseProcess, receiver: Connection, seconds: float
) -> Iterator[Any]:
    """The child's payloads in order; the child is stopped however the reading ends."""
    try:
        while True:
            if not receiver.poll(seconds):
                raise TooLarge(_("读取该文件超时，请拆分后分批导入"))
            try:
                kind, payload = receiver.recv()
            except EOFError:
                child.join()
                logger.warning("spreadsheet parser exited with %s", child.exitcode)
                raise TooLarge(OUT_OF_MEMORY) from None
            if kind == "end":
                return
            if kind == "unreadable":
                raise UnreadableFile(BROKEN_EXCEL)
            if kind == "out_of_memory":
                raise TooLarge(OUT_OF_MEMORY)
            yield payload
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _parse_in_child(data: bytes, sender: Connection, memory_bytes: int) -> None:
    _cap_memory(memory_bytes)
    # calamine (and faulthandler, where enabled) print an allocation failure and a
    # backtrace; the parent reports it instead.
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = iter(sheet.iter_rows())
        header = [cell_text(v) for v in next(rows, [])]
        start = sheet.start
        header_row_number = (start[0] + 1) if start else 1
        sender.send(("header", (header_row_number + 1, header)))
        batch: list[list[str]] = []
        for row in rows:
            batch.append([cell_text(v) for v in row])
            if len(batch) == ROW_BATCH:
                sender.send(("rows", batch))
                batch = []
        sender.send(("rows", batch))
        sender.send(("end", None))
    except MemoryError:
        sender.send(("out_of_memory", None))
    except (python_calamine.CalamineError, ValueError, IndexError):
        sender.send(("unreadable", None))
    finally:
        sender.close()


def _cap_memory(extra_bytes: int) -> None:
    """Let this process map at most ``extra_bytes`` more than it already has."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    ceiling = pages * resource.getpagesize() + extra_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


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
    try:
        header = [cell_text(restore_cell(v)) for v in next(reader, [])]
    except csv.Error as exc:
        raise UnreadableFile(BROKEN_CSV) from exc
    return Table(header=header, rows=_csv_rows(reader))


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        for row in reader:
            yield [cell_text(restore_cell(v)) for v in row]
    except csv.Error as exc:
        raise UnreadableFile(BROKEN_CSV) from exc


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
