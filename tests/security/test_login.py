"""Issue 9, item 5: login throttling, and the forced password change.

A username at one address is locked after 5 failures in 15 minutes, for 15 minutes; an
address alone has a much higher ceiling; the client's address comes from
X-Forwarded-For only behind the configured number of our proxies. A password someone
else chose (a new account, a reset) must be changed before anything else.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import RegionFactory, TeacherFactory, UserFactory, grant
from yanxiu.api.services import issue_token
from yanxiu.demo.orgs import create_region, plan_region
from yanxiu.orgs import services as orgs_services
from yanxiu.orgs.admin import ForcedChangePasswordForm
from yanxiu.orgs.models import School, User
from yanxiu.web.logins import client_address

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Yanxiu-2026"
LOGIN = "/accounts/login/"


def _log_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _fail(client: Client, username: str, times: int = 5, **extra: Any) -> None:
    for _ in range(times):
        # The fifth failure already answers with the lockout page.
        assert _log_in(client, username, "wrong-password", **extra).status_code in {200, 429}


def _logged_in_as(client: Client) -> str | None:
    response = client.get("/api/orgs/me")
    return response.json()["username"] if response.status_code == 200 else None


@pytest.fixture
def alice() -> User:
    return UserFactory(username="alice")


@pytest.fixture
def bob() -> User:
    return UserFactory(username="bob")


# ---------------------------------------------------------------- lockout by username and address


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, alice):
    _fail(client, "alice")
    response = _log_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert _logged_in_as(client) is None


def test_four_failures_leave_the_right_password_working(client, alice):
    _fail(client, "alice", times=4)
    assert _log_in(client, "alice", PASSWORD).status_code == 302
    assert _logged_in_as(client) == "alice"


def test_the_lockout_page_says_in_chinese_when_to_try_again(client, alice):
    _fail(client, "alice")
    page = _log_in(client, "alice", PASSWORD).content.decode()
    assert "登录失败次数过多" in page
    assert "请15分钟后再试" in page


def test_the_admin_login_is_locked_the_same_way(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_another_user_at_the_same_address_is_not_locked(client, alice, bob):
    _fail(client, "alice")
    assert _log_in(client, "bob", PASSWORD).status_code == 302


def test_the_same_user_at_another_address_is_not_locked(client, alice):
    _fail(client, "alice", REMOTE_ADDR="203.0.113.7")
    assert _log_in(client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_an_address_over_its_ceiling_is_locked_for_everyone(client, settings, bob):
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    for name in ("u1", "u2", "u3"):
        _fail(client, name, times=4)
    assert _log_in(client, "bob", PASSWORD).status_code == 429


def test_an_address_under_its_ceiling_is_not_locked_for_others(client, settings, bob):
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    for name in ("u1", "u2"):
        _fail(client, name, times=4)
    assert _log_in(client, "bob", PASSWORD).status_code == 302


def test_an_admin_unlocks_a_user_with_the_reset_command(client, alice):
    _fail(client, "alice")
    call_command("axes_reset_username", "alice")
    assert _log_in(client, "alice", PASSWORD).status_code == 302


# ---------------------------------------------------------------- the client's address


def _request(remote: str, forwarded: str | None = None) -> Any:
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_address_the_outer_one_saw_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1")
    assert client_address(request) == "203.0.113.7"


def test_a_request_that_bypassed_the_proxy_counts_its_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("198.51.100.9")) == "198.51.100.9"


def test_a_forwarded_value_that_is_not_an_address_counts_the_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2", "<script>")) == "10.0.0.2"


def test_spoofed_forwarded_addresses_do_not_escape_the_lockout(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        forwarded = f"192.0.2.{i}, 203.0.113.7"
        _log_in(client, "alice", "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    response = _log_in(
        client, "alice", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert response.status_code == 429


def test_behind_the_proxy_users_at_other_addresses_are_not_locked(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    _fail(client, "alice", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = _log_in(
        client, "alice", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert response.status_code == 302


# ---------------------------------------------------------------- the forced password change


@pytest.fixture
def newcomer(school: School) -> User:
    teacher = TeacherFactory(school=school, user=None)
    user, _password = orgs_services.create_account(teacher, username="newcomer", by=None)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_new_account_must_change_its_password(newcomer):
    assert newcomer.must_change_password


def test_a_password_set_by_an_administrator_must_be_changed(alice):
    form = ForcedChangePasswordForm(
        alice, {"password1": "Reset-Yanxiu-2027", "password2": "Reset-Yanxiu-2027"}
    )
    assert form.is_valid(), form.errors
    form.save()
    alice.refresh_from_db()
    assert alice.must_change_password


def test_an_account_created_in_the_admin_must_change_its_password(admin_client):
    admin_client.post(
        "/admin/orgs/user/add/",
        {
            "username": "created",
            "password1": "Admin-Set-2026x",
            "password2": "Admin-Set-2026x",
            "usable_password": "true",
        },
    )
    assert User.objects.get(username="created").must_change_password


def test_a_user_who_must_change_is_sent_to_the_change_page(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


def test_the_change_page_says_why(client, newcomer):
    client.force_login(newcomer)
    page = client.get(reverse("password_change")).content.decode()
    assert 'data-testid="password-change-required"' in page


def test_htmx_requests_are_sent_to_the_change_page_whole(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("password_change")


def test_session_api_calls_answer_403_with_a_code(client, newcomer):
    client.force_login(newcomer)
    response = client.get("/api/orgs/me")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_bearer_token_calls_are_not_affected(client, newcomer):
    _token, key = issue_token(newcomer, name="脚本")
    response = client.get("/api/orgs/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_changing_the_password_lets_the_user_in(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Own-Choice-2026!",
            "new_password2": "Own-Choice-2026!",
        },
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_a_user_with_their_own_password_goes_straight_in(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200


def test_the_demo_logins_need_no_password_change():
    create_region(plan_region(50, seed=5))
    assert User.objects.exists()
    assert not User.objects.filter(must_change_password=True).exists()


# ---------------------------------------------------------------- unlocking by a bureau admin


def test_a_bureau_admin_sees_a_locked_teacher_of_the_region(client, bureau_admin, teacher):
    _fail(Client(), "teacher")
    client.force_login(bureau_admin)
    page = client.get(reverse("lockouts")).content.decode()
    assert page.count('data-testid="lockout"') == 1
    assert "teacher" in page


def test_a_bureau_admin_unlocks_a_teacher(client, bureau_admin, teacher):
    teachers_phone = Client()
    _fail(teachers_phone, "teacher")
    client.force_login(bureau_admin)
    client.post(reverse("lockout_unlock"), {"username": "teacher"})
    assert _log_in(teachers_phone, "teacher", PASSWORD).status_code == 302


def test_a_school_admin_cannot_open_the_lockout_page(client, school_admin):
    client.force_login(school_admin)
    assert client.get(reverse("lockouts")).status_code == 403


def test_a_bureau_admin_of_another_region_neither_sees_nor_unlocks(client, teacher):
    outsider = UserFactory(username="other_bureau")
    grant(outsider, "bureau_admin", region=RegionFactory())
    _fail(Client(), "teacher")
    client.force_login(outsider)
    assert 'data-testid="lockout"' not in client.get(reverse("lockouts")).content.decode()
    assert client.post(reverse("lockout_unlock"), {"username": "teacher"}).status_code == 404
