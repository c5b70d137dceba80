"""Safe defaults (issue #9, item 12): HSTS in production, sessions that can end with the
browser, study passes revoked at sign-out and deactivation, the demo's own error pages,
a limited number of quiz attempts."""

from __future__ import annotations

import datetime
import importlib.util
import os
from collections.abc import Iterator
from types import ModuleType

import pytest
import redis
from cryptography.fernet import Fernet
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import TeacherFactory, UserFactory
from tests.learning.conftest import user_of
from tests.learning.factories import VideoUnitFactory, add_question, admit
from yanxiu.learning import passes
from yanxiu.learning.models import UnitKind
from yanxiu.learning.services import LearningError, submit_quiz
from yanxiu.learning.store import MemoryStudyStore, RedisStudyStore, get_store
from yanxiu.orgs.models import Departure, Teacher
from yanxiu.orgs.services import deactivate_teacher

PRODUCTION_ENV = {
    "YANXIU_SECRET_KEY": "x" * 50,
    "YANXIU_ID_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",
}


def settings_module(name: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    """Execute a settings module afresh under ``env``, as a server starting would."""
    for key in [k for k in os.environ if k.startswith("YANXIU_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.find_spec(f"yanxiu.settings.{name}")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# HSTS and the proxy header


def test_production_sends_hsts_for_a_year_including_subdomains(monkeypatch):
    production = settings_module("production", monkeypatch, **PRODUCTION_ENV)
    assert production.SECURE_HSTS_SECONDS == 365 * 24 * 3600
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SECURE_HSTS_PRELOAD is False


def test_an_operator_can_keep_hsts_off_subdomains(monkeypatch):
    production = settings_module(
        "production", monkeypatch, YANXIU_HSTS_INCLUDE_SUBDOMAINS="0", **PRODUCTION_ENV
    )
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is False


def test_production_trusts_the_proxys_forwarded_protocol(monkeypatch):
    production = settings_module("production", monkeypatch, **PRODUCTION_ENV)
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


def test_production_allows_media_from_the_buckets_endpoint(monkeypatch):
    production = settings_module(
        "production",
        monkeypatch,
        YANXIU_S3_BUCKET="uploads",
        YANXIU_S3_ENDPOINT_URL="https://oss.example.cn:9000/",
        **PRODUCTION_ENV,
    )
    assert (
        "https://oss.example.cn:9000"
        in production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"]
    )


# Sessions


def test_sessions_last_a_working_day_by_default(monkeypatch):
    base = settings_module("base", monkeypatch)
    assert base.SESSION_COOKIE_AGE == 12 * 3600
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def test_sessions_can_end_with_the_browser(monkeypatch):
    base = settings_module("base", monkeypatch, YANXIU_SESSION_EXPIRE_AT_BROWSER_CLOSE="1")
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


# Study passes


@pytest.fixture
def learner(db: None) -> Iterator[Teacher]:
    store = get_store()
    assert isinstance(store, MemoryStudyStore), "tests run without YANXIU_REDIS_URL"
    store.clear()
    yield TeacherFactory(user=UserFactory(username="learner"))
    store.clear()


def test_signing_out_revokes_the_study_pass(client: Client, learner: Teacher):
    study_pass = passes.issue(learner)
    client.force_login(user_of(learner))
    client.post(reverse("logout"))
    assert passes.read(study_pass) is None


def test_a_pass_issued_after_signing_out_again_works(client: Client, learner: Teacher):
    client.force_login(user_of(learner))
    client.post(reverse("logout"))
    assert passes.read(passes.issue(learner)) is not None


def test_signing_out_leaves_other_teachers_passes_alone(client: Client, learner: Teacher):
    other = TeacherFactory()
    study_pass = passes.issue(other)
    client.force_login(user_of(learner))
    client.post(reverse("logout"))
    assert passes.read(study_pass) is not None


def test_a_revoked_pass_no_longer_signs_heartbeats_in(client: Client, learner: Teacher):
    study_pass = passes.issue(learner)
    client.force_login(user_of(learner))
    client.post(reverse("logout"))
    response = client.post(
        reverse("api:learning_heartbeat"),
        {"unit": 1, "view": "v", "seq": 1, "position": 0, "playing": True, "visible": True},
        content_type="application/json",
        headers={"X-Study-Pass": study_pass},
    )
    assert response.status_code == 401


def test_deactivating_a_teacher_revokes_their_study_pass(learner: Teacher, bureau_admin):
    study_pass = passes.issue(learner)
    deactivate_teacher(
        learner, reason=Departure.RETIRED, on=datetime.date(2026, 7, 1), by=bureau_admin
    )
    assert passes.read(study_pass) is None


def test_redis_keeps_the_pass_generation_per_learner():
    store = RedisStudyStore(
        redis.Redis.from_url("redis://127.0.0.1:6379/8"), prefix=f"test-pass-{os.getpid()}"
    )
    store.clear()
    store.revoke_passes(7)
    store.revoke_passes(7)
    assert (store.pass_generation(7), store.pass_generation(8)) == (2, 0)
    store.clear()


# The demo's error pages


def test_the_demo_shows_its_own_chinese_404_page(client: Client, db, monkeypatch):
    demo = settings_module("demo", monkeypatch)
    with override_settings(DEBUG=demo.DEBUG):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_forbidden_action_shows_the_chinese_403_page(client: Client, school, school_admin):
    unit = VideoUnitFactory(course__region=school.region)
    client.force_login(school_admin)
    response = client.post(reverse("learning:quiz_submit", args=[unit.pk]))
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_a_server_error_shows_the_chinese_500_page(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


# Quiz attempts


@pytest.fixture
def quiz(learner: Teacher):
    unit = VideoUnitFactory(course__region=learner.region, kind=UnitKind.QUIZ, duration_seconds=0)
    admit(learner, unit.course)
    add_question(unit)
    return unit


@override_settings(LEARNING_QUIZ_MAX_ATTEMPTS=2)
def test_a_quiz_refuses_attempts_beyond_the_limit(learner: Teacher, quiz):
    submit_quiz(learner, quiz, {})
    submit_quiz(learner, quiz, {})
    with pytest.raises(LearningError, match="最多可提交 2 次"):
        submit_quiz(learner, quiz, {})


@override_settings(LEARNING_QUIZ_MAX_ATTEMPTS=2)
def test_the_limit_counts_each_units_quiz_on_its_own(learner: Teacher, quiz):
    other = VideoUnitFactory(course=quiz.course, kind=UnitKind.QUIZ, duration_seconds=0)
    add_question(other)
    submit_quiz(learner, quiz, {})
    submit_quiz(learner, quiz, {})
    assert submit_quiz(learner, other, {}).score == 0


def test_five_attempts_is_the_default_limit(settings):
    assert settings.LEARNING_QUIZ_MAX_ATTEMPTS == 5


@override_settings(LEARNING_QUIZ_MAX_ATTEMPTS=1)
def test_the_quiz_page_says_when_the_attempts_are_used_up(client: Client, learner: Teacher, quiz):
    client.force_login(user_of(learner))
    url = reverse("learning:quiz_submit", args=[quiz.pk])
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert "您的次数已用完" in page
    assert "还可提交 0 次" in page
