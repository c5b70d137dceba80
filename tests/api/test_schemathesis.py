"""Property-based check of the orgs API against its own OpenAPI document (schemathesis).

Runs in-process against the WSGI app as a bureau admin with a token: whatever
schemathesis sends, the API never answers 5xx and every answer matches the schema.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import GroupFactory, SchoolFactory, TeacherFactory
from tests.imports.files import temporary_media  # noqa: F401
from yanxiu.api.services import issue_token
from yanxiu.orgs.models import Subject
from yanxiu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex="^/api/orgs/"
)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Calling the WSGI app directly would close the test's database connection (and its
    transaction) after each request; Django's own test client prevents that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bureau_token(zone, bureau_admin, keep_test_connection) -> str:
    subject = Subject.objects.create(name="语文")
    for school in SchoolFactory.create_batch(2, zone=zone):
        GroupFactory(school=school, subject=subject)
        for teacher in TeacherFactory.create_batch(2, school=school):
            teacher.subjects.add(subject)
    return issue_token(bureau_admin, name="schemathesis")[1]


@pytest.mark.django_db
@pytest.mark.usefixtures("temporary_media")
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_orgs_api_honours_its_schema(case, bureau_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {bureau_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
