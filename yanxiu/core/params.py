"""Query parameters checked at the edge: a bad value is a 400 with a Chinese reason, never a 500.

Pages read ``?year=``, ``?school=`` and the like straight from the query string.
Left to ``int()``, a value such as ``0``, ``abc`` or thirty digits ends as an
exception deep in a selector, a PDF renderer or a date constructor. These
helpers parse once and raise ``BadParameter`` (a ``DomainError``), which
``DomainErrorMiddleware`` answers as a 400 naming the parameter. The API's
``Year`` type (``yanxiu/api/schemas.py``) applies the same year range.
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError

# Nothing on the platform predates 2000; a year more than one ahead is a typo or a probe.
MIN_YEAR = 2000
# The largest primary key the database holds (PostgreSQL bigint).
MAX_ID = 2**63 - 1
# Only ASCII digits: str.isdigit() also accepts "²" and "١", which int() then refuses.
_DIGITS = re.compile(r"[0-9]{1,19}")


class BadParameter(DomainError):
    """A query parameter the page cannot use; ``str()`` names it and says why, in Chinese."""

    code = "bad_parameter"

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(_("数据有误：%(errors)s") % {"errors": f"{name}：{problem}"})
        self.name = name
        self.problem = problem


def max_year() -> int:
    """The last year a page or API call may ask about: next year (plans are made ahead)."""
    return timezone.localdate().year + 1


def year_problem(year: int) -> str | None:
    """Why ``year`` is out of range, in Chinese, or None when it is fine."""
    if MIN_YEAR <= year <= max_year():
        return None
    return _("年度应为 %(first)s 至 %(last)s 之间的整数") % {
        "first": MIN_YEAR,
        "last": max_year(),
    }


def parse_year(raw: str, *, name: str = "year") -> int:
    """``raw`` as a year in range, or ``BadParameter``."""
    value = int(raw) if _DIGITS.fullmatch(raw) else 0
    problem = year_problem(value)
    if problem is not None:
        raise BadParameter(name, problem)
    return value


def year_param(request: HttpRequest, name: str = "year") -> int:
    """The year in ``request.GET[name]``; absent or empty means this year."""
    raw = request.GET.get(name, "").strip()
    return parse_year(raw, name=name) if raw else timezone.localdate().year


def month_param(request: HttpRequest, name: str = "month") -> int:
    """The month (1–12) in ``request.GET[name]``; absent or empty means this month."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return timezone.localdate().month
    if not (_DIGITS.fullmatch(raw) and 1 <= int(raw) <= 12):
        raise BadParameter(name, _("月份应为 1 至 12 之间的整数"))
    return int(raw)


def parse_id(raw: str, *, name: str) -> int:
    """``raw`` as a database id (a positive integer the database can hold), or ``BadParameter``."""
    value = int(raw) if _DIGITS.fullmatch(raw) else 0
    if not 1 <= value <= MAX_ID:
        raise BadParameter(name, _("应为有效的编号"))
    return value


def id_param(request: HttpRequest, name: str) -> int | None:
    """The id in ``request.GET[name]``, or None when the parameter is absent or empty."""
    raw = request.GET.get(name, "").strip()
    return parse_id(raw, name=name) if raw else None


def id_filter(request: HttpRequest, name: str) -> str:
    """``id_param`` for the list filters that selectors take as text ("" means any)."""
    value = id_param(request, name)
    return "" if value is None else str(value)
