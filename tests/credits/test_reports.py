"""School, zone and region report pages: scoped figures, failing schools, charts that link down."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import python_calamine
from django.core.cache import cache
from django.urls import reverse

from tests.certificates.factories import pass_the_year
from tests.conftest import login
from tests.credits.factories import credit
from tests.factories import SchoolFactory, TeacherFactory, UserFactory, ZoneFactory, grant
from tests.queries import assert_constant_queries
from yanxiu.credits.exports import write_compliance_report
from yanxiu.credits.policy import DEFAULT_DOCUMENT, parse_policy
from yanxiu.credits.reports import monthly_trend
from yanxiu.credits.services import save_policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Rolled-back tests reuse entry ids, which key the cached trend."""
    cache.clear()


def report(client, level, pk, **params):
    return client.get(reverse(f"credit_reports:{level}", args=[pk]), {"year": 2026, **params})


@pytest.fixture
def failing_school(zone):
    school = SchoolFactory(zone=zone, name="落后小学")
    TeacherFactory(school=school)
    return school


@pytest.fixture
def passing_teacher(teacher):
    pass_the_year(teacher)
    return teacher


def test_the_school_report_lists_each_teacher_with_pass_or_fail(
    client, school_admin, passing_teacher, school
):
    behind = TeacherFactory(school=school, name="未达标老师")
    response = report(login(client, school_admin), "school", school.pk)
    rows = {t.name: t.passed for t in response.context["report"].teachers}
    assert rows == {passing_teacher.name: True, behind.name: False}


def test_a_school_admin_cannot_open_another_schools_report(client, school_admin, other_school):
    assert report(login(client, school_admin), "school", other_school.pk).status_code == 404


def test_a_school_admin_cannot_open_the_region_report(client, school_admin, school):
    assert report(login(client, school_admin), "region", school.region_id).status_code == 403


def test_a_teacher_cannot_open_their_schools_report(client, teacher, school):
    assert report(login(client, teacher.user), "school", school.pk).status_code == 403


def test_the_zone_report_flags_a_failing_school(
    client, bureau_admin, zone, passing_teacher, failing_school
):
    response = report(login(client, bureau_admin), "zone", zone.pk)
    failing = {u.name for u in response.context["report"].units if u.failing}
    assert failing == {"落后小学"}


def test_a_zone_leader_sees_only_the_schools_of_the_zone(client, zone, school, other_school):
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    TeacherFactory(school=school)
    TeacherFactory(school=other_school)
    response = report(login(client, leader), "zone", zone.pk)
    assert [u.unit_id for u in response.context["report"].units] == [school.pk]


def test_the_region_report_counts_failing_schools(
    client, bureau_admin, zone, passing_teacher, failing_school
):
    response = report(login(client, bureau_admin), "region", zone.region_id)
    summary = response.context["report"].summary
    assert (summary.schools, summary.failing_schools) == (2, 1)


def test_each_bar_of_school_pass_rates_opens_that_schools_report(
    client, bureau_admin, zone, passing_teacher, failing_school
):
    response = report(login(client, bureau_admin), "region", zone.region_id)
    chart = response.context["charts_json"]["chart-schools"]
    names = chart["option"]["xAxis"]["data"]
    links = dict(zip(names, chart["links"][0], strict=True))
    assert links["落后小学"] == (
        reverse("credit_reports:school", args=[failing_school.pk]) + "?year=2026"
    )


def test_category_bars_open_the_entries_behind_them(client, school_admin, passing_teacher, school):
    response = report(login(client, school_admin), "school", school.pk)
    links = response.context["charts_json"]["chart-categories"]["links"][0]
    assert links[1] == (
        f"{reverse('credits:entry_list')}?year=2026&category=online&school={school.pk}"
    )


def test_the_page_loads_echarts_from_our_own_static_files(client, school_admin, school):
    page = report(login(client, school_admin), "school", school.pk).content.decode()
    assert "/static/vendor/echarts.min.js" in page
    assert "cdn" not in page.lower()


def test_a_category_filter_lists_only_teachers_short_of_that_category(
    client, school_admin, school, teacher
):
    credit(teacher, 16, category="centralized")
    short = TeacherFactory(school=school)
    response = report(login(client, school_admin), "school", school.pk, show="centralized")
    assert [t.teacher_id for t in response.context["report"].teachers] == [short.pk]


def test_the_failed_count_opens_the_list_of_failing_teachers(
    client, school_admin, passing_teacher, school
):
    behind = TeacherFactory(school=school)
    login(client, school_admin)
    page = report(client, "school", school.pk).content.decode()
    assert "?year=2026&show=failed#teachers" in page
    response = report(client, "school", school.pk, show="failed")
    assert [t.teacher_id for t in response.context["report"].teachers] == [behind.pk]


def test_monthly_trend_sums_by_month_of_the_activity(bureau_admin, teacher):
    credit(teacher, 4, occurred_on=datetime.date(2026, 3, 2))
    credit(teacher, 5, occurred_on=datetime.date(2026, 3, 30))
    credit(teacher, 6, category="online", occurred_on=datetime.date(2026, 9, 1))
    trend = monthly_trend(bureau_admin, 2026, parse_policy(DEFAULT_DOCUMENT))
    assert trend["centralized"][2] == 9
    assert trend["online"][8] == 6
    assert sum(trend["school_based"]) == 0


def test_a_new_entry_shows_in_the_cached_trend_at_once(bureau_admin, teacher):
    rules = parse_policy(DEFAULT_DOCUMENT)
    credit(teacher, 4, occurred_on=datetime.date(2026, 3, 2))
    monthly_trend(bureau_admin, 2026, rules)
    credit(teacher, 5, category="online", occurred_on=datetime.date(2026, 3, 3))
    assert monthly_trend(bureau_admin, 2026, rules)["online"][2] == 5


def test_monthly_trend_counts_hours_in_the_policys_unit(bureau_admin, teacher):
    document = {
        **DEFAULT_DOCUMENT,
        "hours_per_credit": {"centralized": 2, "online": 1, "school_based": 1},
    }
    rules = parse_policy(document)
    save_policy(teacher.region, 2026, rules)
    credit(teacher, 6, unit="hour", occurred_on=datetime.date(2026, 4, 1))
    assert monthly_trend(bureau_admin, 2026, rules)["centralized"][3] == Decimal(3)


def test_the_zone_report_exports_its_schools_as_xlsx(
    client, bureau_admin, zone, passing_teacher, failing_school
):
    response = report(login(client, bureau_admin), "zone", zone.pk, format="xlsx")
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["代码", "名称"]
    assert sorted(r[1] for r in rows[1:]) == sorted([passing_teacher.school.name, "落后小学"])


def test_the_school_report_exports_its_teachers_as_csv(
    client, school_admin, passing_teacher, school
):
    response = report(login(client, school_admin), "school", school.pk, format="csv")
    text = response.content.decode("utf-8-sig")
    assert passing_teacher.name in text
    assert response["Content-Type"].startswith("text/csv")


def test_the_report_index_sends_a_bureau_admin_to_the_region(client, bureau_admin, zone):
    response = login(client, bureau_admin).get(reverse("credit_reports:index"), {"year": 2026})
    assert (
        response["Location"]
        == reverse("credit_reports:region", args=[zone.region_id]) + "?year=2026"
    )


def test_the_report_index_sends_a_school_admin_to_the_school(client, school_admin, school):
    response = login(client, school_admin).get(reverse("credit_reports:index"), {"year": 2026})
    assert response["Location"] == reverse("credit_reports:school", args=[school.pk]) + "?year=2026"


def test_the_region_report_takes_the_same_queries_for_more_schools(client, bureau_admin, zone):
    def schools_in_new_zones(n: int) -> None:
        for _ in range(n):
            school = SchoolFactory(zone=ZoneFactory(region=zone.region))
            pass_the_year(TeacherFactory(school=school))

    for _ in range(2):
        TeacherFactory(school=SchoolFactory(zone=zone))
    login(client, bureau_admin)
    assert_constant_queries(schools_in_new_zones, lambda: report(client, "region", zone.region_id))


def test_the_school_report_takes_the_same_queries_for_more_teachers(client, school_admin, school):
    def passing_teachers(n: int) -> None:
        for teacher in TeacherFactory.create_batch(n, school=school):
            pass_the_year(teacher)

    TeacherFactory(school=school)
    login(client, school_admin)
    assert_constant_queries(passing_teachers, lambda: report(client, "school", school.pk))


def test_the_region_export_has_the_same_rows_as_the_compliance_report_command(
    client, bureau_admin, zone, passing_teacher, failing_school
):
    page = report(login(client, bureau_admin), "region", zone.region_id, format="csv")
    command = io.BytesIO()
    write_compliance_report(command, "csv", bureau_admin, 2026, "school")
    assert page.content == command.getvalue()


def test_a_schools_failed_count_in_the_zone_table_opens_its_failing_teachers(
    client, bureau_admin, zone, failing_school
):
    page = report(login(client, bureau_admin), "zone", zone.pk).content.decode()
    url = reverse("credit_reports:school", args=[failing_school.pk])
    assert f"{url}?year=2026&show=failed#teachers" in page
