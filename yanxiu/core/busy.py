"""A busy database is a 503 with a message to try again, never a 500.

SQLite (the demo) lets one writer at a time: a write that waits longer than the
busy timeout fails with "database is locked". PostgreSQL fails a statement that
cannot get its lock within ``lock_timeout``, or that lost a deadlock. Neither is
the user's fault, and retrying a moment later succeeds, so every page and API
operation answers such a failure with 503 and "数据库繁忙，请稍后重试".
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# lock_not_available, deadlock_detected
RETRYABLE_SQLSTATES = frozenset({"55P03", "40P01"})
RETRY_AFTER_SECONDS = 5


def is_database_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says only that the database was busy, so that a retry may succeed."""
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with the message, as JSON (with a code) for the API, else as a short page."""
    message = _("数据库繁忙，请稍后重试")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "database_busy"}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turn a busy database into ``busy_response`` wherever a view meets it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_database_busy(exception) else None
