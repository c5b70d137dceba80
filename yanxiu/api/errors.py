"""Error responses in the user's language: always ``{"detail": "<Chinese sentence>"}``.

Validation errors also carry ``errors``, one entry per bad field, so that a
script can point at the field. A service's refusal (any ``DomainError``) also
carries its ``code`` and answers with the error's own status, through one handler.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from yanxiu.core.busy import busy_response, is_database_busy
from yanxiu.core.errors import DomainError


def _pydantic_message(error: dict[str, Any]) -> str:
    """One pydantic error, said in Chinese (pydantic itself speaks only English)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("必填")
    if kind == "not_null":
        return _("不能为空")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("应为整数")
    if kind in {"bool_parsing", "bool_type"}:
        return _("应为 true 或 false")
    if kind in {"string_type"}:
        return _("应为文本")
    if kind in {"list_type", "set_type"}:
        return _("应为列表")
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("日期格式应为 YYYY-MM-DD")
    if kind in {"enum", "literal_error"}:
        return _("取值应为：%(expected)s") % {"expected": ctx.get("expected", "")}
    if kind in {"string_too_long", "too_long"}:
        return _("长度不能超过 %(n)s") % {"n": ctx.get("max_length")}
    if kind in {"string_too_short", "too_short"}:
        return _("长度不能少于 %(n)s") % {"n": ctx.get("min_length")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("不能小于 %(n)s") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("不能大于 %(n)s") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "model_type"}:
        return _("请求内容应为 JSON 对象")
    if kind == "extra_forbidden":
        return _("不能修改此字段")
    return _("取值无效")


def _field(loc: list[Any]) -> str:
    """The top-level field a pydantic error is about.

    ninja prefixes the source ("body", "query" …) and the parameter name; pydantic
    appends the union member it tried, which the caller never wrote.
    """
    parts = [str(p) for p in loc if p not in _SOURCES]
    return parts[0] if parts else _("请求")


_SOURCES = {"body", "query", "path", "form", "file", "payload", "filters", "pagination"}


def validation_response(
    api: NinjaAPI, request: HttpRequest, errors: list[dict[str, Any]]
) -> HttpResponse:
    items: dict[str, str] = {}
    for error in errors:
        # A value that fails "T | None" also fails the None member; that says nothing new.
        if error.get("type") != "none_required":
            items.setdefault(_field(list(error.get("loc", []))), _pydantic_message(error))
    detail = "；".join(f"{field}：{message}" for field, message in items.items())
    return api.create_response(
        request,
        {
            "detail": _("数据有误：%(errors)s") % {"errors": detail},
            "errors": [{"field": f, "message": m} for f, m in items.items()],
        },
        status=422,
    )


def _ninja_message(message: str) -> str:
    """ninja raises a few errors of its own, in English; ours are already Chinese."""
    if message == "CSRF check Failed":
        return _("CSRF 校验失败，请刷新页面后重试")
    if message.startswith("Cannot parse request body"):
        return _("请求内容不是有效的 JSON")
    return message


def install(api: NinjaAPI) -> None:
    """Replace ninja's English error bodies with Chinese ones."""

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return validation_response(api, request, exc.errors)

    @api.exception_handler(DjangoValidationError)
    def on_model_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            items = [
                {
                    "field": "" if field == NON_FIELD_ERRORS else field,
                    "message": " ".join(str(m) for m in messages),
                }
                for field, messages in exc.message_dict.items()
            ]
        else:
            items = [{"field": "", "message": str(m)} for m in exc.messages]
        detail = "；".join(
            f"{i['field']}：{i['message']}" if i["field"] else i["message"] for i in items
        )
        return api.create_response(request, {"detail": detail, "errors": items}, status=422)

    @api.exception_handler(DomainError)
    def on_refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        retry_after = exc.retry_after_seconds()
        if retry_after is not None:
            body["retry_after"] = retry_after
        response = api.create_response(request, body, status=exc.status)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(OperationalError)
    def on_database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        if is_database_busy(exc):
            return busy_response(request)
        raise exc

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("请先登录，或在 Authorization 头中提供有效的 API 令牌")},
            status=401,
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _ninja_message(exc.message)}, status=exc.status_code
        )

    @api.exception_handler(MultiPartParserError)
    def on_unparsable_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("上传的表单内容无法解析，请检查文件后重新上传")}, status=400
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("未找到，或无权查看")}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc) or _("没有权限执行此操作")}, status=403
        )
