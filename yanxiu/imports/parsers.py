"""Cell parsers for import columns: text in, a value out, or ``CellError`` in Chinese.

Each parser receives the non-blank text of one cell (blank cells never reach a
parser) and accepts the spellings people actually type in Chinese spreadsheets.
"""

from __future__ import annotations

import datetime
import functools
import re
import time
from collections.abc import Callable, Iterable, Mapping

from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "无", "不是"})
EARLIEST_YEAR = 1940
LIST_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?\s*(?:年.*|[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?$")
_NUMBER = re.compile(r"^\d+(?:\.0+)?$")


class CellError(DomainError):
    """A cell's text cannot be read; the message tells the user why, in Chinese."""

    code = "invalid_cell"


Parser = Callable[[str], object]


def text(value: str) -> str:
    return value


def max_length(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellError(_("不能超过%(limit)d个字") % {"limit": limit})
        return value

    return parse


def parse_date(value: str) -> datetime.date:
    """1985-03-14, 1985/3/14, 1985.3.14, 1985年3月14日 or 19850314."""
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if match is None:
        raise CellError(_("日期格式不正确，应为“1985-03-14”这样的格式"))
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise CellError(_("日期不存在：%(value)s") % {"value": value}) from exc


def parse_year(value: str) -> int:
    """A year such as 2010, 2010年, or a date whose year is taken (2010-09-01)."""
    match = _YEAR.match(value)
    if match is None:
        raise CellError(_("年份格式不正确，应为“2010”这样的四位年份"))
    return check_year(int(match.group(1)))


def check_year(year: int) -> int:
    this_year = current_year()
    if not EARLIEST_YEAR <= year <= this_year:
        raise CellError(
            _("年份应在%(first)d到%(last)d之间") % {"first": EARLIEST_YEAR, "last": this_year}
        )
    return year


def current_year() -> int:
    """This year in the site's time zone; looked up once an hour, as 100,000 rows ask for it."""
    return _year_in_hour(int(time.time()) // 3600)


@functools.lru_cache(maxsize=1)
def _year_in_hour(hour: int) -> int:
    return timezone.localdate().year


def parse_count(value: str) -> int:
    """A whole number of things or years (教龄 12, 12.0, 12年)."""
    cleaned = value.removesuffix("年").strip()
    if not _NUMBER.match(cleaned):
        raise CellError(_("应为整数"))
    return int(float(cleaned))


def parse_bool(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("应填“是”或“否”"))


def parse_list(value: str) -> list[str]:
    """Items separated by 、 , ， ; ； / or spaces, without blanks or repeats, in order."""
    return list(dict.fromkeys(item for item in LIST_SEPARATORS.split(value) if item))


def choice_parser(
    choices: type[TextChoices], extra: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """Accept a choice's Chinese label, its stored value, or an extra spelling."""

    # Built on first use: column specs are module constants, and translations
    # cannot load before the app registry is ready.
    @functools.cache
    def lookup() -> dict[str, str]:
        table = {label: value for value, label in choice_labels(choices).items()}
        table.update({value: value for value in choices.values})
        table.update(extra or {})
        return table

    def parse(cell: str) -> str:
        try:
            return lookup()[cell.strip()]
        except KeyError:
            allowed = "、".join(choice_labels(choices).values())
            raise CellError(
                _("“%(value)s”不是可选的值，可选：%(allowed)s")
                % {"value": cell, "allowed": allowed}
            ) from None

    return parse


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """Stored value → Chinese label, as exports write them (whatever the UI language)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def joined(items: Iterable[str]) -> str:
    return "、".join(items)
