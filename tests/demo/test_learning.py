"""The demo's online courses come with a timed reading unit and a video with a quiz."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import TeacherFactory, UserFactory, grant
from tests.learning.factories import OnlineCourseFactory
from yanxiu.learning.models import CourseUnit, UnitKind
from yanxiu.orgs.models import School
from yanxiu.training.models import Enrollment, EnrollmentStatus

pytestmark = pytest.mark.django_db


def test_demo_units_are_made_once_and_the_demo_teacher_is_admitted(
    school: School, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    grant(UserFactory(username="center"), "center_staff", region=school.region)
    teacher = TeacherFactory(school=school, user=UserFactory(username="t000001"))
    course = OnlineCourseFactory(region=school.region)

    call_command("demo_learning", stdout=StringIO())
    call_command("demo_learning", stdout=StringIO())

    guide, video = CourseUnit.objects.filter(course=course).order_by("position")
    assert (guide.kind, guide.duration_seconds, guide.is_timed) == (UnitKind.PAGE, 60, True)
    assert (video.kind, video.duration_seconds, video.questions.count()) == (UnitKind.VIDEO, 30, 2)
    assert (tmp_path / video.video.name).stat().st_size > 10_000
    enrollment = Enrollment.objects.get(course=course, teacher=teacher)
    assert enrollment.status == EnrollmentStatus.APPROVED
