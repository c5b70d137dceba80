"""Refusals at the edge of pages: text holding NUL characters, and services' DomainErrors.

NUL characters are refused for pages and API alike: PostgreSQL text cannot hold
U+0000, so a search or a save with one would fail deep inside a query as a server
error. Django's form fields already refuse it; this covers query strings,
url-encoded bodies and JSON bodies that reach views and API operations without a
form. File uploads (binary by nature) are not read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError

NUL = "\x00"


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def _first_field_with_nul(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    for key, values in pairs:
        if NUL in key or any(NUL in v for v in values):
            return key.replace(NUL, "")
    return None


def field_with_nul(request: HttpRequest) -> str | None:
    """The name of the first parameter carrying a NUL character, or None."""
    field = _first_field_with_nul(request.GET.lists())
    if field is None and request.content_type == "application/x-www-form-urlencoded":
        field = _first_field_with_nul(request.POST.lists())
    if field is None and request.content_type == "application/json" and b"u0000" in request.body:
        try:
            if _contains_nul(json.loads(request.body)):
                field = _("请求内容")
        except ValueError:
            return None  # not JSON: the view's own parser says so
    return field


class RejectNulMiddleware:
    """Answer 422 (API) or 400 (pages) with the field's name when a parameter holds a NUL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = _("含有不允许的空字符（NUL）")
        detail = _("数据有误：%(errors)s") % {"errors": f"{field}：{message}"}
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": detail, "errors": [{"field": field, "message": message}]},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")


class DomainErrorMiddleware:
    """Answer a service's refusal that no view caught with an error page saying why.

    A form view catches its service's error to show it next to the form; anything
    else (a bad query parameter, a refusal on a plain POST) reaches this one mapping
    and becomes the error's 4xx with its Chinese message, never a 500. The API maps
    the same errors to JSON in ``yanxiu/api/errors.py``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError):
            return None
        response = render(
            request,
            "web/refused.html",
            {"heading": _refusal_heading(exc.status), "message": exc.message},
            status=exc.status,
        )
        retry_after = exc.retry_after_seconds()
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response


def _refusal_heading(status: int) -> str:
    headings = {
        403: _("无权操作"),
        404: _("未找到"),
        429: _("操作过于频繁"),
        503: _("服务暂时不可用"),
    }
    return headings.get(status, _("无法办理"))
