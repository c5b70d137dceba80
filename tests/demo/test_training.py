import datetime

import pytest
from django.core.management import call_command

from tests.factories import SchoolFactory, TeacherFactory
from yanxiu.demo.training import SEED_004, create_demo_catalog
from yanxiu.orgs.models import Ownership
from yanxiu.training.models import Course, CourseTrack, EnrollmentStatus
from yanxiu.training.selectors import eligibility_problems

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 6)


def test_the_demo_catalog_publishes_every_class_of_the_plan(school, center_staff):
    created = create_demo_catalog(school.region, organizer=center_staff, today=TODAY)
    assert len(created) == len(SEED_004)


def test_the_demo_catalog_is_created_once(school, center_staff):
    create_demo_catalog(school.region, organizer=center_staff, today=TODAY)
    assert create_demo_catalog(school.region, organizer=center_staff, today=TODAY) == []


def test_the_new_teacher_class_admits_the_regions_new_teachers(school, center_staff):
    newcomer = TeacherFactory(school=school, is_new_teacher=True)
    create_demo_catalog(school.region, organizer=center_staff, today=TODAY)
    course = Course.objects.get(track=CourseTrack.NEW_TEACHER)
    assert course.enrollments.get().teacher == newcomer
    assert course.enrollments.get().status == EnrollmentStatus.APPROVED


def test_the_migrant_school_class_is_only_for_migrant_school_teachers(school, center_staff):
    create_demo_catalog(school.region, organizer=center_staff, today=TODAY)
    course = Course.objects.get(track=CourseTrack.MIGRANT_SCHOOL)
    migrant = SchoolFactory(zone=school.zone, ownership=Ownership.MIGRANT)
    assert eligibility_problems(course, TeacherFactory(school=migrant)) == []
    problems = eligibility_problems(course, TeacherFactory(school=school))
    assert problems == ["本课程仅面向外来务工人员子弟学校的教师"]


def test_the_command_publishes_the_catalog(school, center_staff):
    call_command("demo_training_catalog", region=school.region.code)
    assert Course.objects.filter(region=school.region).count() == len(SEED_004)
