"""Redis down: the heartbeat and the prompt say so with a 503, /healthz names what is down,
and the flush loop carries on (issue #9 item 10).

Redis is made unreachable by pointing the study store at 127.0.0.1:1, where nothing listens.
"""

from __future__ import annotations

import json
import logging
import time
from io import StringIO
from typing import Any

import pytest
import redis
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import TeacherFactory, UserFactory
from tests.learning.conftest import TEST_REDIS_URL
from tests.learning.factories import VideoUnitFactory, admit
from yanxiu.learning import services, store
from yanxiu.learning.management.commands import flush_study
from yanxiu.learning.models import CourseUnit
from yanxiu.learning.services import FlushResult
from yanxiu.orgs.models import Teacher

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:1/0"


def _redis_store(url: str) -> store.RedisStudyStore:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    return store.RedisStudyStore(client, prefix="test-security-study")


@pytest.fixture
def redis_down(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """Configure a Redis URL where nothing listens, and make it the process's store."""
    settings.STUDY_REDIS_URL = NOWHERE
    unreachable = _redis_store(NOWHERE)
    monkeypatch.setattr(services, "get_store", lambda: unreachable)
    monkeypatch.setattr(store, "get_store", lambda: unreachable)


@pytest.fixture
def learner(db: None) -> Teacher:
    return TeacherFactory(user=UserFactory(username="learner"))


@pytest.fixture
def video(learner: Teacher) -> CourseUnit:
    unit = VideoUnitFactory(course__region=learner.region)
    admit(learner, unit.course)
    return unit


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _heartbeat(client: Client, unit: CourseUnit) -> Any:
    body = {"unit": unit.pk, "view": "v", "seq": 1, "position": 0}
    return _post(client, "/api/learning/heartbeat", body | {"playing": True, "visible": True})


def test_a_heartbeat_while_redis_is_down_answers_503_with_a_code(
    client: Client, learner: Teacher, video: CourseUnit, redis_down: None
) -> None:
    assert learner.user is not None
    client.force_login(learner.user)
    response = _heartbeat(client, video)
    assert response.status_code == 503
    assert response.json()["code"] == "study_store_unavailable"
    assert "未计入" in response.json()["detail"]


def test_a_heartbeat_is_judged_when_redis_answers(
    client: Client, learner: Teacher, video: CourseUnit, monkeypatch: pytest.MonkeyPatch
) -> None:
    reachable = _redis_store(TEST_REDIS_URL)
    monkeypatch.setattr(services, "get_store", lambda: reachable)
    assert learner.user is not None
    client.force_login(learner.user)
    try:
        assert _heartbeat(client, video).status_code == 200
    finally:
        reachable.clear()


def test_an_idle_prompt_answer_while_redis_is_down_answers_503_with_a_code(
    client: Client, learner: Teacher, redis_down: None
) -> None:
    assert learner.user is not None
    client.force_login(learner.user)
    response = _post(client, "/api/learning/prompt", {"token": "t"})
    assert response.status_code == 503
    assert response.json()["code"] == "study_store_unavailable"


def test_the_health_probe_names_redis_when_it_is_down(client: Client, redis_down: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_the_health_probe_says_ok_when_redis_answers(client: Client, settings: Any) -> None:
    settings.STUDY_REDIS_URL = TEST_REDIS_URL
    store.get_store.cache_clear()
    try:
        response = client.get("/healthz")
    finally:
        store.get_store.cache_clear()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_the_health_probe_skips_redis_when_none_is_configured(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["redis"] == "not_configured"


def test_the_health_probe_names_the_database_when_it_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


class _Stop(BaseException):
    """Ends the otherwise endless loop after the runs the test wants."""


def test_the_flush_loop_logs_a_failure_and_flushes_again(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    runs: list[str] = []

    def flaky(*, spread_over: float) -> FlushResult:
        runs.append("run")
        if len(runs) == 1:
            raise store.StudyStoreUnavailable()
        if len(runs) == 3:
            raise _Stop
        return FlushResult(learners=2, sessions=3)

    monkeypatch.setattr(flush_study, "flush_study", flaky)
    monkeypatch.setattr(time, "sleep", lambda _seconds: None)
    out = StringIO()
    with caplog.at_level(logging.ERROR), pytest.raises(_Stop):
        call_command("flush_study", "--every", "60", stdout=out)
    assert "flush_study failed" in caplog.text
    assert "flushed 2 learners, 3 sessions" in out.getvalue()


def test_a_single_flush_fails_loudly_when_redis_is_down(redis_down: None) -> None:
    with pytest.raises(store.StudyStoreUnavailable):
        call_command("flush_study", stdout=StringIO())
