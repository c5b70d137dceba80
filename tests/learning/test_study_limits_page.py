"""The bureau admin's page for the region's study limits (网络研修计时规则)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.factories import ZoneFactory
from yanxiu.learning.judge import Limits
from yanxiu.learning.models import StudyLimits
from yanxiu.learning.services import study_limits_for
from yanxiu.orgs.models import Teacher, User, Zone

pytestmark = pytest.mark.django_db

URL = reverse("learning:study_limits")
NEW_RULES = {"daily_cap_minutes": "300", "idle_prompt_minutes": "15", "watched_share": "80"}


def test_the_bureau_admin_sees_the_defaults_before_any_save(client: Client, bureau_admin: User):
    response = login(client, bureau_admin).get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "daily_cap_minutes": 240,
        "idle_prompt_minutes": 20,
        "watched_share": 90,
    }
    assert "下一次开始学习时生效" in response.text
    assert not StudyLimits.objects.exists()


def test_the_bureau_admin_saves_then_changes_the_limits(
    client: Client, bureau_admin: User, zone: Zone
):
    response = login(client, bureau_admin).post(URL, NEW_RULES, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "网络研修计时规则已保存" in response.text
    assert study_limits_for(zone.region_id) == Limits(
        daily_cap_seconds=300 * 60, idle_prompt_seconds=15 * 60, watched_share=80
    )
    client.post(URL, {**NEW_RULES, "daily_cap_minutes": "180"})
    assert StudyLimits.objects.get().region_id == zone.region_id
    assert study_limits_for(zone.region_id).daily_cap_seconds == 180 * 60
    assert client.get(URL).context["form"]["daily_cap_minutes"].value() == 180


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("daily_cap_minutes", "2000", "确保该值小于或等于1440"),
        ("watched_share", "0", "确保该值大于或等于1"),
        ("idle_prompt_minutes", "", "这个字段是必填项"),
    ],
)
def test_invalid_limits_are_refused_and_nothing_changes(
    client: Client, bureau_admin: User, zone: Zone, field: str, value: str, error: str
):
    StudyLimits.objects.create(region=zone.region, daily_cap_minutes=120)
    response = login(client, bureau_admin).post(URL, {**NEW_RULES, field: value})
    assert response.status_code == 200
    assert error in response.text
    limits = StudyLimits.objects.get()
    assert (limits.daily_cap_minutes, limits.idle_prompt_minutes, limits.watched_share) == (
        120,
        20,
        90,
    )


def test_invalid_limits_create_no_row(client: Client, bureau_admin: User):
    login(client, bureau_admin).post(URL, {**NEW_RULES, "daily_cap_minutes": "2000"})
    assert not StudyLimits.objects.exists()


@pytest.mark.parametrize("who", ["school_admin", "center_staff", "teacher"])
def test_only_the_bureau_admin_reaches_the_page(
    client: Client, request: pytest.FixtureRequest, who: str
):
    user = request.getfixturevalue(who)
    login(client, user if isinstance(user, User) else user.user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, NEW_RULES).status_code == 403
    assert not StudyLimits.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_bureau_admin_changes_only_their_own_region(
    client: Client, bureau_admin: User, zone: Zone
):
    elsewhere = ZoneFactory()
    StudyLimits.objects.create(region=elsewhere.region, daily_cap_minutes=100)
    login(client, bureau_admin).post(URL, NEW_RULES)
    assert study_limits_for(elsewhere.region_id).daily_cap_seconds == 100 * 60
    assert study_limits_for(zone.region_id).daily_cap_seconds == 300 * 60


def test_the_page_lists_who_changed_what(client: Client, bureau_admin: User, zone: Zone):
    login(client, bureau_admin).post(URL, NEW_RULES)
    client.post(URL, {**NEW_RULES, "watched_share": "95"})
    history = client.get(URL).context["history"]
    assert [entry.actor for entry in history] == [bureau_admin, bureau_admin]
    assert history[0].changes_display_dict == {"视频完成比例(%)": ["80", "95"]}
    assert history[1].changes_display_dict["区县"] == ["None", str(zone.region)]
    body = client.get(URL).text
    assert f"<td>{bureau_admin}</td>" in body
    assert "视频完成比例(%)：80 → 95" in body


def test_the_menu_shows_the_page_to_bureau_admins_only(
    client: Client, bureau_admin: User, teacher: Teacher
):
    assert URL in login(client, bureau_admin).get(reverse("home")).text
    assert teacher.user is not None
    assert URL not in login(client, teacher.user).get(reverse("home")).text


def test_the_page_speaks_english(client: Client, bureau_admin: User):
    login(client, bureau_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(URL).text
    assert "Online study timing rules of" in body
    assert "next study sitting" in body
