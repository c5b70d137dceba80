"""The personal e-studio (个人电子工作室): courses, hours, certificates and posts of one teacher."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.credits.factories import credit
from tests.factories import TeacherFactory, UserFactory
from tests.learning.conftest import user_of
from yanxiu.learning.models import StudyDay
from yanxiu.learning.services import start_thread
from yanxiu.orgs.models import Teacher, User

pytestmark = pytest.mark.django_db


def test_my_studio_shows_my_courses_hours_and_posts(client: Client, learner: Teacher, video):
    StudyDay.objects.create(teacher=learner, date=datetime.date(2026, 11, 2), counted_seconds=5400)
    credit(learner, 10, category="online", unit="hour")
    start_thread(video.course, by=user_of(learner), title="我的提问", body="b")
    client.force_login(user_of(learner))
    response = client.get("/learning/studio/", {"year": 2026})
    assert response.status_code == 200
    studio = response.context["studio"]
    assert studio.study_hours == 1.5
    assert [c.title for c in studio.courses] == [video.course.title]
    assert "我的提问" in response.text
    assert "网络培训" in response.text


def test_the_school_admin_opens_a_teachers_studio(
    client: Client, school_admin: User, teacher: Teacher
):
    client.force_login(school_admin)
    assert client.get(f"/learning/studio/{teacher.pk}/").status_code == 200


def test_a_teacher_cannot_open_a_stranger_s_studio(client: Client, learner: Teacher):
    stranger = TeacherFactory(user=UserFactory(username="stranger"))
    client.force_login(user_of(learner))
    assert client.get(f"/learning/studio/{stranger.pk}/").status_code == 404
