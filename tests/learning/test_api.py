"""The heartbeat API: the signed-in teacher's own study only, judged by the server's clock."""

from __future__ import annotations

import json
import time

import pytest
from django.core import signing
from django.test import Client

from tests.factories import TeacherFactory, UserFactory
from tests.learning.conftest import user_of
from tests.learning.factories import VideoUnitFactory
from yanxiu.learning import passes
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


def beat(
    client: Client,
    unit: CourseUnit,
    seq: int,
    position: float = 0,
    study_pass: str | None = None,
    **extra,
):
    body = {"unit": unit.pk, "view": "v", "seq": seq, "position": position}
    body |= {"playing": True, "visible": True, "rate": 1.0} | extra
    headers = {} if study_pass is None else {"X-Study-Pass": study_pass}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


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
    client: Client, learner: Teacher, video, django_assert_num_queries
):
    client.force_login(user_of(learner))
    beat(client, video, 1)
    # The session, its user and the user's teacher record; no write.
    with django_assert_num_queries(3):
        assert beat(client, video, 2, position=1).status_code == 200


def test_the_player_page_hands_out_a_pass_that_names_its_teacher(
    client: Client, learner: Teacher, video
):
    client.force_login(user_of(learner))
    page = client.get(f"/learning/units/{video.pk}/")
    study_pass = page.context["study_pass"]
    assert f'data-pass="{study_pass}"' in page.content.decode()
    assert passes.read(study_pass) == passes.Learner(pk=learner.pk, region_id=learner.region_id)


def test_a_heartbeat_with_a_pass_reads_nothing_from_the_database(
    learner: Teacher, video, django_assert_num_queries
):
    # No session at all, and CSRF enforced: the pass alone names the learner.
    client = Client(enforce_csrf_checks=True)
    study_pass = passes.issue(learner)
    assert beat(client, video, 1, study_pass=study_pass).status_code == 200
    with django_assert_num_queries(0):
        response = beat(client, video, 2, position=1, study_pass=study_pass)
    assert response.status_code == 200
    assert response.json()["reason"] == ""


def _issued_long_ago(learner: Teacher, monkeypatch: pytest.MonkeyPatch) -> str:
    then = time.time() - passes.MAX_AGE_SECONDS - 60
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: then)
        return passes.issue(learner)


@pytest.mark.parametrize("damage", ["forged", "altered", "expired"])
def test_a_bad_pass_does_not_sign_anyone_in(
    client: Client, learner: Teacher, video, damage, monkeypatch
):
    other = TeacherFactory(region=learner.region)
    genuine = passes.issue(learner)
    payload = genuine.split(":")[0]
    other_payload = signing.b64_encode(json.dumps([other.pk, other.region_id]).encode()).decode()
    study_pass = {
        "forged": signing.dumps([other.pk, other.region_id], salt="another purpose"),
        "altered": other_payload + genuine[len(payload) :],
        "expired": _issued_long_ago(learner, monkeypatch),
    }[damage]
    assert beat(client, video, 1, study_pass=study_pass).status_code == 401


def test_an_expired_pass_falls_back_to_the_session(
    client: Client, learner: Teacher, video, monkeypatch
):
    client.force_login(user_of(learner))
    study_pass = _issued_long_ago(learner, monkeypatch)
    assert beat(client, video, 1, study_pass=study_pass).status_code == 200
