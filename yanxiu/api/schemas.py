"""Schemas every router shares: the error bodies and the answers each operation documents."""

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from yanxiu.core.params import MIN_YEAR, max_year, year_problem


def _not_beyond_next_year(year: int) -> int:
    # The upper bound moves with the calendar, so it cannot be a static ``le``.
    if year_problem(year) is not None:
        raise PydanticCustomError("less_than_equal", "too late", {"le": max_year()})
    return year


# A year parameter, in the range the pages accept (yanxiu/core/params.py).
Year = Annotated[
    int, Field(ge=MIN_YEAR, description="年度，默认今年"), AfterValidator(_not_beyond_next_year)
]


class ErrorOut(Schema):
    detail: str
    code: str | None = Field(
        None, description="服务拒绝时的错误代码（如 not_allowed、sign_in_throttled）"
    )


class UnavailableOut(Schema):
    detail: str
    code: str


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
