"""factory_boy factories for training: courses, sessions, enrollments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import RegionFactory
from yanxiu.training.models import (
    Approval,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Session,
)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"新教师培训班{n}")
    year = 2026
    credit_amount = Decimal("4")
    status = CourseStatus.PUBLISHED
    approval = Approval.SCHOOL_CENTER


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"第{n}讲")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    teacher = factory.SubFactory("tests.factories.TeacherFactory")
    status = EnrollmentStatus.APPROVED
    applied_at = factory.LazyFunction(timezone.now)
