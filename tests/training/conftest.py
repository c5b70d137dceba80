"""Fixtures for training: a course in the test region and the region's training center."""

from __future__ import annotations

import pytest

from tests.training.factories import CourseFactory, SessionFactory
from yanxiu.orgs.models import School, User
from yanxiu.training.models import Course, Session


@pytest.fixture
def course(school: School, center_staff: User) -> Course:
    return CourseFactory(region=school.region, organizer=center_staff)


@pytest.fixture
def session(course: Course) -> Session:
    return SessionFactory(course=course)
