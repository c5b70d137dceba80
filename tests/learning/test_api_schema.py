"""Property-based check of the learning API against its OpenAPI document (schemathesis).

As a teacher admitted to a course, with a token: whatever schemathesis sends, the API
never answers 5xx and every answer matches the documented schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_schemathesis import keep_test_connection  # noqa: F401
from tests.learning.conftest import user_of
from yanxiu.api.services import issue_token
from yanxiu.learning.store import get_store
from yanxiu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex="^/api/learning/"
)


@pytest.fixture
def learner_token(learner, video, keep_test_connection) -> str:  # noqa: F811
    get_store().clear()
    return issue_token(user_of(learner), name="schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_learning_api_honours_its_schema(case, learner_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {learner_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
