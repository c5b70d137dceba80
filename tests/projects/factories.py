"""Factories for school-based projects."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import SchoolFactory, UserFactory
from yanxiu.projects.models import (
    ActivityType,
    ProjectActivity,
    ProjectKind,
    ProjectState,
    SchoolPlan,
    SchoolProject,
)


class SchoolProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolProject
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    year = 2026
    kind = ProjectKind.SELF_CHOSEN
    theme = factory.Sequence(lambda n: f"以学定教的课堂观察{n}")
    goals = "提升课堂观察能力"
    activities_plan = "每月一次观课磨课"
    starts_on = datetime.date(2026, 10, 1)
    ends_on = datetime.date(2026, 12, 31)
    hours = Decimal("24")
    credit_value = Decimal("6")
    created_by = factory.SubFactory(UserFactory)
    state = ProjectState.DRAFT

    @factory.post_generation
    def participants(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.participants.set(extracted)


class ProjectActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectActivity

    project = factory.SubFactory(SchoolProjectFactory, state=ProjectState.IN_PROGRESS)
    title = factory.Sequence(lambda n: f"第{n}次集体备课")
    activity_type = ActivityType.LESSON_PREP
    starts_at = factory.LazyFunction(lambda: timezone.now())
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + datetime.timedelta(hours=2))
    place = "会议室"
    credit_value = Decimal("2")
    recorded_by = factory.SubFactory(UserFactory)


class SchoolPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolPlan

    school = factory.SubFactory(SchoolFactory)
    year = 2026
    goals = "建设学习型学校"
    content = "指定内容：新课程新教材；自主内容：课堂观察"
    schedule = "10月至12月"
    planned_hours = Decimal("24")
