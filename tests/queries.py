"""The same number of queries for 5 rows and for 50: a list page without an N+1.

A ceiling (``django_assert_max_num_queries(12)``) passes a small N+1 and a 403 page alike;
comparing the queries of one request at two sizes does not. On failure both query lists
are printed, as Zulip's ``assert_database_query_count`` does, so the extra query is in
the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.http import HttpResponseBase
from django.test.utils import CaptureQueriesContext

Result = TypeVar("Result")

FEW = 5
MANY = 50


def captured_queries(action: Callable[[], Result]) -> tuple[Result, list[str]]:
    """Run ``action`` and return what it returned with the SQL of every query it made."""
    with CaptureQueriesContext(connection) as captured:
        result = action()
    return result, [query["sql"] for query in captured.captured_queries]


def _listing(queries: list[str]) -> str:
    return "\n".join(f"{n:3}. {sql}" for n, sql in enumerate(queries, start=1))


def assert_constant_queries(
    make_rows: Callable[[int], object],
    action: Callable[[], Result],
    *,
    few: int = FEW,
    many: int = MANY,
    at_most: int | None = None,
    warm_up: bool = False,
) -> Result:
    """``make_rows(few)``, run ``action``; ``make_rows(many - few)``, run it again; assert
    both runs made the same number of queries (and no more than ``at_most``).

    With ``warm_up``, ``action`` runs once before the first count, for a first request that
    does once-only work saying nothing about rows (an API token's last-use stamp). Not by
    default: a warm-up would fill caches (the credit trend) that hide work from the count.
    An ``action`` that returns a response must answer 200: a refused page costs the same for
    any number of rows. Returns what the second count's run returned, for the test's own
    assertions about the page.
    """
    make_rows(few)
    if warm_up:
        action()
    first, few_queries = captured_queries(action)
    make_rows(many - few)
    second, many_queries = captured_queries(action)
    for result in (first, second):
        if isinstance(result, HttpResponseBase):
            assert result.status_code == 200, f"answered {result.status_code}, not 200"
    assert len(few_queries) == len(many_queries), (
        f"{len(few_queries)} queries for {few} rows but {len(many_queries)} for {many}:\n"
        f"-- {few} rows --\n{_listing(few_queries)}\n-- {many} rows --\n{_listing(many_queries)}"
    )
    if at_most is not None:
        assert len(many_queries) <= at_most, (
            f"{len(many_queries)} queries, more than {at_most}:\n{_listing(many_queries)}"
        )
    return second
