"""CSV cells that a spreadsheet program will not run as formulas (CSV injection).

Excel, WPS and LibreOffice treat a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, after trimming, a tab or carriage return) as a formula, so a teacher named
``=HYPERLINK(...)`` becomes a live link in everybody's export. Every CSV the
platform writes goes through ``safe_writer``, which prefixes such cells with a
single quote, the usual way to say "this is text"; ``restore_cell`` undoes it on
import, so an exported file can be imported again unchanged.

A cell that is only a number ("-2.00", "+3") is left alone: it cannot be a
formula, and quoting it would turn a credit correction into text that no
spreadsheet sums. Cells are text by the time they reach a CSV, so this is
decided by the text, not by a type.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


class RowWriter(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


def safe_cell(value: object) -> str:
    """The cell's text, quoted when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return QUOTE + text
    return text


def restore_cell(text: str) -> str:
    """The value ``safe_cell`` quoted, for reading back a file the platform wrote."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _SafeWriter:
    def __init__(self, writer: RowWriter) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])


def safe_writer(out: Any, **kwargs: Any) -> RowWriter:
    """``csv.writer(out, **kwargs)`` whose rows are passed through ``safe_cell``."""
    return _SafeWriter(csv.writer(out, **kwargs))
