"""Property-based check of the projects API against its own OpenAPI document (schemathesis).

As center staff with a token, whatever schemathesis sends, the API never answers 5xx
and every answer matches the documented schema.
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

# Calling the WSGI app directly would close the test's connection after each request.
from tests.api.test_schemathesis import keep_test_connection  # noqa: F401
from tests.factories import TeacherFactory
from tests.projects.factories import ProjectActivityFactory, SchoolProjectFactory
from yanxiu.api.services import issue_token
from yanxiu.projects.models import ProjectState
from yanxiu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex="^/api/projects"
)


@pytest.fixture
def center_token(school, center_staff) -> str:
    teachers = TeacherFactory.create_batch(2, school=school)
    for state in (ProjectState.SUBMITTED, ProjectState.IN_PROGRESS):
        project = SchoolProjectFactory(school=school, state=state, participants=teachers)
        ProjectActivityFactory(project=project)
    return issue_token(center_staff, name="schemathesis")[1]


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_projects_api_honours_its_schema(case, center_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {center_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
