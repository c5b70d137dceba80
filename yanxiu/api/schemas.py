"""Schemas every router shares: the error bodies and the answers each operation documents."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


def responses(ok: Any, *errors: int) -> dict[int, Any]:
    """The documented answers of an operation: ``ok`` on 200, and ``errors`` as ``ErrorOut``.

    401 (no valid credentials) and 422 (bad parameters) can answer any call, so
    they are always listed.
    """
    documented: dict[int, Any] = {200: ok, 401: ErrorOut, 422: ValidationErrorOut}
    documented.update(dict.fromkeys(errors, ErrorOut))
    return documented
