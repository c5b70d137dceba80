"""Shortfalls people can act on: what a teacher lacks per category, honest percentages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.certificates.factories import pass_the_year
from tests.conftest import login
from tests.credits.factories import full_year
from tests.factories import SchoolFactory, TeacherFactory, UserFactory
from yanxiu.credits.policy import default_rules
from yanxiu.credits.services import save_policy
from yanxiu.credits.templatetags.credit_reports import percent
from yanxiu.orgs.models import School, Teacher

pytestmark = pytest.mark.django_db

# 48 of 48 credits, but 12 of the 24 school-based ones missing.
SHORT_OF_SCHOOL_BASED = "校本研训 12"


@pytest.fixture
def short_teacher(school: School) -> Teacher:
    teacher = TeacherFactory(school=school, name="校本不足", user=UserFactory(username="short"))
    full_year(teacher, centralized=28, online=8, school_based=12)
    return teacher


def test_the_teacher_sees_what_they_lack_per_category(client, short_teacher):
    response = login(client, short_teacher.user).get(reverse("credits:my_credits"), {"year": 2026})
    assert f"尚差 {SHORT_OF_SCHOOL_BASED}" in response.content.decode()


def test_the_school_report_shows_a_failing_teachers_gap_per_category(
    client, school_admin, school, short_teacher
):
    response = login(client, school_admin).get(
        reverse("credit_reports:school", args=[school.pk]), {"year": 2026}
    )
    text = response.content.decode()
    assert "不合格" in text
    assert f"<td>{SHORT_OF_SCHOOL_BASED}</td>" in text
    assert "<td>0.00</td>" not in text


def test_the_warning_page_shows_each_teachers_gap_per_category(client, bureau_admin, short_teacher):
    response = login(client, bureau_admin).get(reverse("credits:warnings"), {"year": 2026})
    assert f"<td>{SHORT_OF_SCHOOL_BASED}</td>" in response.content.decode()


def test_a_teacher_short_of_several_categories_sees_each(client, school):
    teacher = TeacherFactory(school=school, user=UserFactory(username="shorter"))
    full_year(teacher, centralized=10, online=0, school_based=16)
    response = login(client, teacher.user).get(reverse("credits:my_credits"), {"year": 2026})
    assert "尚差 集中培训 6 / 网络培训 8 / 校本研训 8" in response.content.decode()


@pytest.mark.parametrize(
    ("share", "shown"),
    [("0.9205", "92%"), ("0.7960", "79.6%"), ("0.7996", "79.9%"), ("1", "100%"), ("0", "0%")],
)
def test_a_share_reads_as_a_percentage_never_rounded_up(share, shown):
    assert percent(Decimal(share)) == shown


def test_the_warning_page_says_how_much_of_the_year_is_gone_in_percent(client, bureau_admin):
    response = login(client, bureau_admin).get(reverse("credits:warnings"), {"year": 2026})
    assert re.search(r"全年已过 \d+(\.\d)?%）", response.content.decode())


def test_a_failing_schools_pass_rate_is_not_rounded_up(client, zone_leader, zone):
    school = SchoolFactory(zone=zone)
    for _ in range(2):
        pass_the_year(TeacherFactory(school=school))
    TeacherFactory(school=school)
    login(client, zone_leader)
    zone_page = client.get(reverse("credit_reports:zone", args=[zone.pk]), {"year": 2026})
    school_page = client.get(reverse("credit_reports:school", args=[school.pk]), {"year": 2026})
    for response in (zone_page, school_page):
        text = response.content.decode()
        assert "66.6%" in text
        assert "67%" not in text


def test_the_policy_page_names_the_default_policy_when_it_is_in_force(client, bureau_admin):
    response = login(client, bureau_admin).get(reverse("credits:policy_edit"), {"year": 2026})
    text = response.content.decode()
    assert "使用默认政策（48 学分 = 16 + 8 + 24）" in text
    assert "本年度尚未设置" not in text


def test_the_policy_page_names_the_earlier_version_in_force(client, bureau_admin, zone):
    save_policy(zone.region, 2025, default_rules(), by=bureau_admin, note="")
    response = login(client, bureau_admin).get(reverse("credits:policy_edit"), {"year": 2026})
    assert "本年度尚未设置，沿用 2025 年度第 1 版。" in response.content.decode()
