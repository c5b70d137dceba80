"""The monthly participation record (按月参学记载) and the end-of-period verification (核查)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from tests.factories import SchoolFactory, TeacherFactory
from tests.learning.conftest import user_of
from yanxiu.credits.policy import default_rules, parse_policy
from yanxiu.credits.services import save_policy
from yanxiu.learning.models import StudyDay
from yanxiu.learning.selectors import monthly_record, online_target, verification
from yanxiu.orgs.models import School, Teacher, User

pytestmark = pytest.mark.django_db
NOV = datetime.date(2026, 11, 1)


def studied(teacher: Teacher, day: datetime.date, hours: float) -> None:
    StudyDay.objects.create(teacher=teacher, date=day, counted_seconds=int(hours * 3600))


@pytest.fixture
def period_policy(school: School) -> None:
    """Seed 003: at least 50 hours online between March and December."""
    document = default_rules().to_document()
    document["periods"] = [
        {
            "name": "网络研修项目",
            "start": "2026-03-01",
            "end": "2026-12-31",
            "unit": "hour",
            "minimums": [{"label": "线上", "categories": ["online"], "amount": 50}],
            "phases": [
                {"name": "启动", "start": "2026-03-01", "end": "2026-03-31"},
                {"name": "推进", "start": "2026-04-01", "end": "2026-08-31"},
                {"name": "深化", "start": "2026-09-01", "end": "2026-11-30"},
                {"name": "总结", "start": "2026-12-01", "end": "2026-12-31"},
            ],
        }
    ]
    save_policy(school.region, 2026, parse_policy(document))


def test_without_a_period_the_target_is_the_years_online_minimum(school: School):
    target = online_target(school.region_id, NOV)
    assert (target.start, target.end, target.hours) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        Decimal(8),
    )


def test_a_project_periods_online_minimum_is_the_target(school: School, period_policy):
    target = online_target(school.region_id, NOV)
    assert (target.label, target.start, target.hours) == (
        "网络研修项目",
        datetime.date(2026, 3, 1),
        Decimal(50),
    )


def test_the_target_names_the_periods_stage_of_the_day(school: School, period_policy):
    assert online_target(school.region_id, NOV).phase == "深化"
    assert online_target(school.region_id, datetime.date(2026, 12, 5)).phase == "总结"
    assert online_target(school.region_id, datetime.date(2027, 1, 5)).phase == ""


def test_the_record_page_shows_the_months_stage(
    client: Client, school: School, school_admin: User, period_policy
):
    client.force_login(school_admin)
    response = client.get("/learning/participation/", {"month": "2026-04"})
    assert "本月所处阶段：推进" in response.text


def test_the_record_shows_hours_this_month_and_so_far(school: School, period_policy):
    teacher = TeacherFactory(school=school)
    studied(teacher, datetime.date(2026, 2, 20), 9)  # before the period: not counted
    studied(teacher, datetime.date(2026, 10, 3), 30)
    studied(teacher, datetime.date(2026, 11, 5), 12.5)
    studied(teacher, datetime.date(2026, 12, 1), 3)  # after the month
    row = monthly_record(school, NOV).rows[0]
    assert (row.month_hours, row.cumulative_hours) == (Decimal("12.50"), Decimal("42.50"))


def test_a_teacher_below_the_pace_is_behind(school: School, period_policy):
    # By 30 November, 275 of the period's 306 days have passed: 44.93 of 50 hours.
    ahead = TeacherFactory(school=school, name="甲")
    behind = TeacherFactory(school=school, name="乙")
    studied(ahead, datetime.date(2026, 11, 1), 45)
    studied(behind, datetime.date(2026, 11, 1), 44.9)
    record = monthly_record(school, NOV)
    assert record.expected == Decimal("44.93")
    assert {r.name: r.on_track for r in record.rows} == {"甲": True, "乙": False}
    assert record.behind == 1


def test_the_record_takes_one_query_for_any_number_of_teachers(
    school: School, period_policy, django_assert_num_queries
):
    for _ in range(5):
        studied(TeacherFactory(school=school), NOV, 1)
    # The policy in force, then the teachers with both sums.
    with django_assert_num_queries(2):
        monthly_record(school, NOV)


def test_the_school_admin_exports_the_record_to_excel(
    client: Client, school: School, school_admin: User
):
    studied(TeacherFactory(school=school, name="张老师"), NOV, 2)
    client.force_login(school_admin)
    response = client.get("/learning/participation/", {"month": "2026-11", "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:3] == ["张老师", "2.00", "2.00"]


def test_the_record_page_lists_the_schools_teachers(
    client: Client, school: School, school_admin: User
):
    TeacherFactory(school=school, name="张老师")
    client.force_login(school_admin)
    response = client.get("/learning/participation/")
    assert response.status_code == 200
    assert "张老师" in response.text


def test_a_school_admin_cannot_read_another_schools_record(
    client: Client, school_admin: User, other_school: School
):
    client.force_login(school_admin)
    response = client.get("/learning/participation/", {"school": other_school.pk})
    assert response.status_code == 404


def test_a_teacher_cannot_read_the_record(client: Client, teacher: Teacher):
    client.force_login(user_of(teacher))
    assert client.get("/learning/participation/").status_code == 403


def test_verification_lists_the_teachers_who_did_not_finish(
    school: School, bureau_admin: User, period_policy
):
    done, short = TeacherFactory(school=school), TeacherFactory(school=school, name="未完成")
    studied(done, NOV, 50)
    studied(short, NOV, 49.99)
    result = verification(bureau_admin, school.region_id, datetime.date(2026, 12, 31))
    assert [t.name for t in result.unqualified] == ["未完成"]


def test_a_school_fails_when_a_fifth_of_its_teachers_did_not_finish(
    school: School, bureau_admin: User, period_policy
):
    teachers = [TeacherFactory(school=school) for _ in range(5)]
    for t in teachers[1:]:
        studied(t, NOV, 50)
    result = verification(bureau_admin, school.region_id, datetime.date(2026, 12, 31))
    assert [(s.unqualified, s.teachers, s.failing) for s in result.schools] == [(1, 5, True)]


def test_a_school_under_a_fifth_unqualified_passes(
    school: School, bureau_admin: User, period_policy
):
    teachers = [TeacherFactory(school=school) for _ in range(6)]
    for t in teachers[1:]:
        studied(t, NOV, 50)
    result = verification(bureau_admin, school.region_id, datetime.date(2026, 12, 31))
    assert not result.schools[0].failing


def test_a_school_admin_verifies_only_their_own_school(
    school: School, school_admin: User, period_policy
):
    TeacherFactory(school=school, name="本校")
    TeacherFactory(school=SchoolFactory(zone=school.zone), name="外校")
    result = verification(school_admin, school.region_id, datetime.date(2026, 12, 31))
    assert [t.name for t in result.unqualified] == ["本校"]
    assert [s.school_id for s in result.schools] == [school.pk]


def test_the_verification_page_shows_the_unqualified(
    client: Client, school: School, period_policy, center_staff: User
):
    TeacherFactory(school=school, name="未完成")
    client.force_login(center_staff)
    response = client.get("/learning/verification/", {"on": "2026-12-31"})
    assert response.status_code == 200
    assert "未完成" in response.text
    assert "不合格学校" in response.text
