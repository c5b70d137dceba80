"""The heartbeat API: the signed-in teacher's own study only, judged by the server's clock."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.learning.conftest import user_of
from tests.learning.factories import VideoUnitFactory
from yanxiu.learning.models import CourseUnit
from yanxiu.learning.store import MemoryStudyStore, get_store
from yanxiu.orgs.models import Teacher

pytestmark = pytest.mark.django_db
URL = "/api/learning/heartbeat"


@pytest.fixture(autouse=True)
def fresh_store():
    store = get_store()
    assert isinstance(store, MemoryStudyStore), "tests run without YANXIU_REDIS_URL"
    store.clear()
    yield
    store.clear()


def beat(client: Client, unit: CourseUnit, seq: int, position: float = 0, **extra):
    body = {"unit": unit.pk, "view": "v", "seq": seq, "position": position}
    body |= {"playing": True, "visible": True, "rate": 1.0} | extra
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_heartbeat_answers_with_the_servers_verdict(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    response = beat(client, video, 1)
    assert response.status_code == 200
    assert response.json() == {
        "credited": 0.0,
        "reason": "",
        "clamp_to": None,
        "prompt": "",
        "unit_counted": 0.0,
        "watched": False,
    }


def test_a_jump_ahead_is_answered_with_where_to_clamp(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    assert beat(client, video, 1, position=300).json()["clamp_to"] == 0.0


def test_a_unit_of_a_course_not_taken_is_refused(client: Client, learner: Teacher):
    client.force_login(user_of(learner))
    response = beat(client, VideoUnitFactory(), 1)
    assert response.status_code == 400
    assert "尚未选修" in response.json()["detail"]


def test_a_user_who_is_not_a_teacher_is_refused(client: Client, video):
    client.force_login(UserFactory())
    assert beat(client, video, 1).status_code == 403


def test_an_anonymous_heartbeat_is_refused(client: Client, video):
    assert beat(client, video, 1).status_code == 401


def test_a_heartbeat_without_the_csrf_token_is_refused(learner: Teacher, video):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_of(learner))
    assert beat(client, video, 1).status_code == 403


def test_a_negative_position_is_a_validation_error(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    assert beat(client, video, 1, position=-5).status_code == 422


def test_a_wrong_prompt_answer_is_not_accepted(client: Client, learner: Teacher, video):
    client.force_login(user_of(learner))
    beat(client, video, 1)
    response = client.post(
        "/api/learning/prompt", json.dumps({"token": "x"}), content_type="application/json"
    )
    assert response.json() == {"ok": False}


def test_a_heartbeat_inside_a_session_reads_the_database_only_to_authenticate(
    client: Client, learner: Teacher, video, django_assert_max_num_queries
):
    client.force_login(user_of(learner))
    beat(client, video, 1)
    # The session, its user and the user's teacher record; no write.
    with django_assert_max_num_queries(3):
        assert beat(client, video, 2, position=1).status_code == 200
