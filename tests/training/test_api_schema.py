"""Property-based check of the training API against its own OpenAPI document (schemathesis).

As a teacher with a token (who may enroll, withdraw and sign in) and as center staff
(who approves), whatever schemathesis sends, the API never answers 5xx and every
answer matches the documented schema.
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
from tests.factories import TeacherFactory, UserFactory
from tests.training.factories import CourseFactory, EnrollmentFactory, SessionFactory
from yanxiu.api.services import issue_token
from yanxiu.training.models import EnrollmentStatus
from yanxiu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
    path_regex="^/api/training"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def tokens(school, center_staff) -> dict[str, str]:
    teacher = TeacherFactory(school=school, user=UserFactory(username="schemathesis_teacher"))
    for status in (EnrollmentStatus.APPROVED, EnrollmentStatus.PENDING_CENTER):
        session = SessionFactory(course=CourseFactory(region=school.region, organizer=center_staff))
        EnrollmentFactory(course=session.course, teacher=teacher, status=status)
    return {
        "center": issue_token(center_staff, name="schemathesis")[1],
        "teacher": issue_token(teacher.user, name="schemathesis")[1],
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@schema.parametrize()
@SETTINGS
def test_the_training_api_honours_its_schema_for_a_teacher(case, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens['teacher']}"}, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@schema.parametrize()
@SETTINGS
def test_the_training_api_honours_its_schema_for_the_center(case, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens['center']}"}, checks=CHECKS)
