"""Factories for online study: online courses, their units and admitted learners."""

from __future__ import annotations

from decimal import Decimal

import factory

from tests.factories import RegionFactory, UserFactory
from yanxiu.credits.models import Unit
from yanxiu.learning.models import Choice, CourseUnit, Question, UnitKind
from yanxiu.orgs.models import Teacher
from yanxiu.training.models import (
    Approval,
    Course,
    CourseFormat,
    CourseStatus,
    CourseTrack,
    Enrollment,
    EnrollmentStatus,
)


class OnlineCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"新课标解读{n}")
    format = CourseFormat.ONLINE
    track = CourseTrack.SUBJECT
    year = 2026
    credit_amount = Decimal("10")
    credit_unit = Unit.HOUR
    credit_category = "online"
    approval = Approval.NONE
    status = CourseStatus.PUBLISHED
    organizer = factory.SubFactory(UserFactory)


class VideoUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseUnit

    course = factory.SubFactory(OnlineCourseFactory)
    kind = UnitKind.VIDEO
    title = factory.Sequence(lambda n: f"第{n}讲")
    position = factory.Sequence(lambda n: n)
    is_published = True
    # Ten minutes of video; a document or page made here opens without a reading time.
    duration_seconds = factory.LazyAttribute(lambda u: 600 if u.kind == UnitKind.VIDEO else 0)
    video = "learning/videos/2026/lesson.webm"
    created_by = factory.SelfAttribute("course.organizer")


def admit(teacher: Teacher, course: Course) -> Enrollment:
    """Admit the teacher to the course, as an approved enrollment from the catalog does."""
    return Enrollment.objects.create(
        course=course,
        teacher=teacher,
        status=EnrollmentStatus.APPROVED,
        applied_at="2026-03-01T08:00:00+08:00",
    )


def add_question(
    unit: CourseUnit, text: str = "新课标的核心是什么?", right: str = "核心素养"
) -> Question:
    """A single-choice question with one right and one wrong answer."""
    question = Question.objects.create(unit=unit, text=text)
    Choice.objects.create(question=question, text=right, is_correct=True)
    Choice.objects.create(question=question, text="知识点", is_correct=False)
    return question
