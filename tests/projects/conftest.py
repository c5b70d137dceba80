"""Fixtures for project tests: a school with teachers, its admin, center staff, a project."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import TeacherFactory
from tests.projects.factories import SchoolProjectFactory
from yanxiu.orgs.models import School, Teacher, User
from yanxiu.projects.models import SchoolProject

# A day before the factories' project starts, inside no plan window.
BEFORE_START = datetime.date(2026, 9, 1)


@pytest.fixture
def staff(school: School) -> list[Teacher]:
    return [TeacherFactory(school=school) for _ in range(3)]


@pytest.fixture
def project(school: School, school_admin: User, staff: list[Teacher]) -> SchoolProject:
    return SchoolProjectFactory(
        school=school, created_by=school_admin, leader=staff[0], participants=staff
    )
