"""API tokens: made once, stored hashed, usable until revoked; sessions need CSRF to write."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import TokenClient
from tests.factories import UserFactory
from tests.queries import assert_constant_queries
from yanxiu.api.models import ApiToken
from yanxiu.api.services import issue_token, revoke_token

pytestmark = pytest.mark.django_db

ME = "/api/orgs/me"


def test_a_valid_token_authenticates_its_owner(bureau_admin):
    _token, key = issue_token(bureau_admin, name="脚本")

    response = TokenClient(key).get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == "bureau_admin"


def test_a_call_without_credentials_is_refused_in_chinese(client):
    response = client.get(ME)

    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_an_unknown_token_is_refused(bureau_admin):
    issue_token(bureau_admin, name="脚本")

    assert TokenClient("yx_not-a-real-key").get(ME).status_code == 401


def test_a_revoked_token_is_refused(bureau_admin):
    token, key = issue_token(bureau_admin, name="脚本")
    revoke_token(token)

    assert TokenClient(key).get(ME).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(bureau_admin):
    _token, key = issue_token(bureau_admin, name="脚本")
    bureau_admin.is_active = False
    bureau_admin.save()

    assert TokenClient(key).get(ME).status_code == 401


def test_using_a_token_records_when_it_was_last_used(bureau_admin):
    token, key = issue_token(bureau_admin, name="脚本")
    assert token.last_used_at is None

    TokenClient(key).get(ME)

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


def test_a_used_token_is_not_rewritten_on_every_call(bureau_admin):
    token, key = issue_token(bureau_admin, name="脚本")
    earlier = timezone.now() - datetime.timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)

    TokenClient(key).get(ME)

    token.refresh_from_db()
    assert token.last_used_at == earlier


def test_only_a_hash_of_the_key_is_stored(bureau_admin):
    token, key = issue_token(bureau_admin, name="脚本")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()

    assert key not in {str(v) for v in stored.values()}
    assert key.startswith(token.prefix)


def test_session_calls_that_change_data_must_carry_the_csrf_token(school_admin, teacher):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(school_admin)

    response = browser.patch(
        f"/api/orgs/teachers/{teacher.pk}",
        {"phone": "13800000000"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_calls_with_the_csrf_token_may_change_data(school_admin, teacher):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(school_admin)
    browser.get("/api-tokens/")
    csrf = browser.cookies["csrftoken"].value

    response = browser.patch(
        f"/api/orgs/teachers/{teacher.pk}",
        {"phone": "13800000000"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 200


def test_token_calls_that_change_data_need_no_csrf_token(school_admin, teacher, api_as):
    response = api_as(school_admin).patch(f"/api/orgs/teachers/{teacher.pk}", {"phone": "138"})

    assert response.status_code == 200


def test_the_token_page_shows_a_new_key_once(client, school_admin):
    client.force_login(school_admin)

    made = client.post("/api-tokens/", {"name": "名册同步"})
    key = made.context["new_key"]
    again = client.get("/api-tokens/")

    assert key in made.content.decode()
    assert made["Cache-Control"] == "no-store"
    assert key not in again.content.decode()
    assert "名册同步" in again.content.decode()


def test_a_key_made_on_the_token_page_works(client, school_admin):
    client.force_login(school_admin)

    key = client.post("/api-tokens/", {"name": "名册同步"}).context["new_key"]

    assert TokenClient(key).get(ME).status_code == 200


def test_the_token_page_revokes_a_token(client, school_admin):
    token, key = issue_token(school_admin, name="旧脚本")
    client.force_login(school_admin)

    client.post(reverse("api_tokens:revoke", args=[token.pk]))

    assert TokenClient(key).get(ME).status_code == 401


def test_nobody_can_revoke_another_persons_token(client, school_admin):
    token, key = issue_token(UserFactory(), name="别人的")
    client.force_login(school_admin)

    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))

    assert response.status_code == 404
    assert TokenClient(key).get(ME).status_code == 200


def test_the_token_page_lists_only_ones_own_tokens(client, school_admin):
    issue_token(UserFactory(), name="别人的令牌")
    client.force_login(school_admin)

    page = client.get("/api-tokens/").content.decode()

    assert "别人的令牌" not in page


def test_the_command_prints_a_working_key(school_admin, capsys):
    call_command("create_api_token", "school_admin", "--name", "夜间同步")

    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(user=school_admin).name == "夜间同步"
    assert TokenClient(key).get(ME).status_code == 200


def test_the_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert "/api/orgs/teachers" in document["paths"]
    assert {"TokenAuth", "SessionAuth"} <= set(document["components"]["securitySchemes"])


def test_the_token_page_takes_a_fixed_number_of_queries(client, school_admin):
    client.force_login(school_admin)

    # session, user, scope (roles, own record) for the menu, the tokens
    assert_constant_queries(
        lambda n: [issue_token(school_admin, name="脚本") for _ in range(n)],
        lambda: client.get("/api-tokens/"),
        at_most=6,
    )


def test_a_superuser_revokes_a_token_in_the_admin(client, school_admin):
    token, key = issue_token(school_admin, name="泄露的令牌")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )

    assert TokenClient(key).get(ME).status_code == 401
