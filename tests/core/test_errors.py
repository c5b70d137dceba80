"""One DomainError base: every service error has a code and a status, and is mapped once."""

from __future__ import annotations

import ast
import datetime
import importlib
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from yanxiu.api.main import api
from yanxiu.certificates.services import DocumentRefused, YearNotOnRecord
from yanxiu.core.errors import DomainError
from yanxiu.credits.policy import PolicyError
from yanxiu.credits.services import CreditError, DuplicateCredit
from yanxiu.projects.services import NotAllowed
from yanxiu.training.services import SignInThrottled
from yanxiu.web.middleware import DomainErrorMiddleware

YANXIU = Path(__file__).resolve().parents[2] / "yanxiu"
# Exceptions that are no refusal a user meets, with the reason.
NOT_DOMAIN_ERRORS = {
    # The ledger model's guard against a programming error (an UPDATE or DELETE).
    "LedgerIsAppendOnly",
    # Turned into a 416 inside the file-serving view itself.
    "RangeNotSatisfiable",
    # The demo command's own signal, said on the command line.
    "DemoRegionExists",
}
ERROR_BASES = {"Exception", "ValueError", "PermissionDenied", "BadRequest", "RuntimeError"}
STATUSES = {400, 403, 404, 409, 429, 503}
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _source_modules() -> list[Path]:
    return [
        path
        for path in sorted(YANXIU.rglob("*.py"))
        if "migrations" not in path.parts and "settings" not in path.parts
    ]


def _all_subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_error_class_of_the_project_is_a_domain_error() -> None:
    plain = set()
    for path in _source_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id in ERROR_BASES for base in node.bases
            ):
                plain.add(node.name)

    assert plain - {DomainError.__name__} == NOT_DOMAIN_ERRORS


def test_every_domain_error_has_a_snake_case_code_and_a_known_status() -> None:
    for path in _source_modules():
        module = ".".join(path.relative_to(YANXIU.parent).with_suffix("").parts)
        importlib.import_module(module.removesuffix(".__init__"))
    classes = _all_subclasses(DomainError)

    assert len(classes) >= 20
    for cls in classes:
        assert SNAKE_CASE.fullmatch(cls.code), cls
        assert cls.status in STATUSES, cls
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)), sorted(codes)


# ---------------------------------------------------------------- the API's one handler


def _api_answer(exc: Exception) -> HttpResponse:
    return api.on_exception(RequestFactory().post("/api/"), exc)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (CreditError("单条记录最多 48.00 学分"), 400, "credit_refused"),
        (DuplicateCredit("该来源已记入学时"), 409, "duplicate_credit"),
        (DocumentRefused("本年度学时学分尚未达标，不能出具合格证书"), 409, "document_refused"),
        (YearNotOnRecord("该年度不在教师的任职记录内"), 404, "year_not_on_record"),
        (PolicyError(["school_fail_threshold 必须是数字"]), 400, "invalid_policy"),
        (NotAllowed("只有本校管理员可以申报本校项目。"), 403, "not_allowed"),
    ],
)
def test_a_service_error_reaches_an_api_caller_as_its_4xx_with_the_code(
    error: DomainError, status: int, code: str
) -> None:
    response = _api_answer(error)

    assert response.status_code == status
    assert json.loads(response.content) == {"detail": str(error), "code": code}
    assert not response.has_header("Retry-After")


def test_a_code_given_at_the_raise_site_is_the_one_answered() -> None:
    response = _api_answer(CreditError("认定学时涉及您本人", code="self_review"))

    assert json.loads(response.content)["code"] == "self_review"


def test_a_throttled_sign_in_tells_the_api_caller_when_to_try_again() -> None:
    response = _api_answer(SignInThrottled(datetime.timedelta(minutes=4, seconds=30)))

    assert response.status_code == 429
    assert response["Retry-After"] == "270"
    assert json.loads(response.content)["retry_after"] == 270


# ---------------------------------------------------------------- pages: one middleware


def _page_answer(exc: Exception) -> HttpResponse | None:
    request = RequestFactory().post("/projects/1/submit/")
    request.user = AnonymousUser()
    middleware = DomainErrorMiddleware(lambda _request: HttpResponse())
    return middleware.process_exception(request, exc)


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (CreditError("单条记录最多 48.00 学分"), 400, "无法办理"),
        (NotAllowed("只有本校管理员可以申报本校项目。"), 403, "无权操作"),
        (YearNotOnRecord("该年度不在教师的任职记录内"), 404, "未找到"),
        (DocumentRefused("本年度学时学分尚未达标，不能出具合格证书"), 409, "无法办理"),
    ],
)
def test_a_service_error_no_view_caught_is_an_error_page_with_its_message(
    error: DomainError, status: int, heading: str
) -> None:
    response = _page_answer(error)

    assert response is not None
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    assert error.message in page


def test_a_throttled_sign_in_page_says_when_to_try_again() -> None:
    response = _page_answer(SignInThrottled(datetime.timedelta(minutes=2)))

    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == "120"


def test_other_exceptions_are_left_to_django() -> None:
    assert _page_answer(PermissionDenied("没有权限")) is None
    assert _page_answer(ValueError("a bug")) is None
