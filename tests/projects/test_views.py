"""The project pages: each role reaches its pages, scoping holds, refusals are shown."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import GroupFactory, SchoolFactory, TeacherFactory, UserFactory, grant
from tests.projects.factories import ProjectActivityFactory, SchoolProjectFactory
from tests.queries import assert_constant_queries
from yanxiu.imports.tables import read_table
from yanxiu.projects.models import ActivityType, PlanWindow, ProjectState, SchoolPlan, SchoolProject


def test_a_school_admin_cannot_open_another_schools_project(client, school_admin):
    other = SchoolProjectFactory(school=SchoolFactory())
    response = login(client, school_admin).get(reverse("projects:detail", args=[other.pk]))
    assert response.status_code == 404


def test_the_project_list_stays_at_a_few_queries(client, school_admin, school):
    login(client, school_admin)
    response = assert_constant_queries(
        lambda n: SchoolProjectFactory.create_batch(n, school=school),
        lambda: client.get(reverse("projects:index"), {"year": 2026}),
        at_most=8,
    )
    assert response.content.decode().count('href="/projects/') >= 50


def test_the_overview_stays_at_a_few_queries(client, bureau_admin, zone):
    login(client, bureau_admin)
    response = assert_constant_queries(
        lambda n: [SchoolProjectFactory(school=SchoolFactory(zone=zone)) for _ in range(n)],
        lambda: client.get(reverse("projects:overview"), {"year": 2026}),
        at_most=8,
    )
    assert response.status_code == 200


def test_the_overview_counts_schools_without_a_plan(client, bureau_admin, school):
    SchoolPlan.objects.create(
        school=SchoolFactory(zone=school.zone),
        year=2026,
        goals="g",
        content="c",
        schedule="s",
        planned_hours=Decimal(24),
        state="submitted",
    )
    response = login(client, bureau_admin).get(reverse("projects:overview"), {"year": 2026})
    assert response.context["overview"].schools_without_plan == 1


def test_a_school_admin_cannot_see_the_overview(client, school_admin):
    response = login(client, school_admin).get(reverse("projects:overview"))
    assert response.status_code == 403


def test_a_school_admin_approving_is_refused_with_a_message(client, project, school_admin):
    project.state = ProjectState.SUBMITTED
    project.save()
    response = login(client, school_admin).post(
        reverse("projects:review_project", args=[project.pk]),
        {"action": "approve", "comment": ""},
        follow=True,
    )
    assert "不能审批本校的项目" in response.content.decode()
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED


def test_the_school_admin_drafts_an_application(client, school_admin, staff):
    response = login(client, school_admin).post(
        reverse("projects:create"),
        {
            "year": 2026,
            "theme": "大单元教学设计",
            "goals": "提升大单元教学设计能力",
            "activities_plan": "集体备课三次",
            "starts_on": "2099-10-01",
            "ends_on": "2099-12-31",
            "hours": "12",
            "credit_value": "4",
            "category": "school_based",
            "leader": staff[0].pk,
            "participants": [t.pk for t in staff],
        },
    )
    assert response.status_code == 302
    assert "大单元教学设计" in client.get(response["Location"]).content.decode()


def test_recording_a_routine_meeting_warns_it_earns_nothing(client, project, school_admin, staff):
    project.state = ProjectState.APPROVED
    project.save()
    response = login(client, school_admin).post(
        reverse("projects:activity_create", args=[project.pk]),
        {
            "title": "十月工作例会",
            "activity_type": ActivityType.ROUTINE_MEETING,
            "starts_at": "2026-10-09T14:00",
            "ends_at": "2026-10-09T15:00",
            "mode": "offline",
            "place": "会议室",
            "credit_value": "1",
            "attended": [t.pk for t in staff],
        },
        follow=True,
    )
    assert "「工作例会」不计入校本研训学分" in response.content.decode()


def test_a_teacher_sees_their_attendance(client, project, staff):
    staff[0].user = UserFactory()
    staff[0].save()
    activity = ProjectActivityFactory(project=project, title="观课磨课第一轮")
    activity.attendance.create(teacher=staff[0], attended=True)
    response = login(client, staff[0].user).get(reverse("projects:mine"))
    assert "观课磨课第一轮" in response.content.decode()


def test_a_teacher_cannot_open_the_review_queue(client, teacher):
    response = login(client, teacher.user).get(reverse("projects:review"))
    assert response.status_code == 403


def test_the_plan_page_refuses_a_late_plan_with_the_reason(client, school, school_admin):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PlanWindow.objects.create(
        region=school.region,
        year=yesterday.year,
        opens_on=yesterday - datetime.timedelta(days=10),
        closes_on=yesterday,
    )
    response = login(client, school_admin).post(
        reverse("projects:plan") + f"?year={yesterday.year}",
        {
            "goals": "g",
            "content": "c",
            "schedule": "s",
            "measures": "",
            "planned_hours": "24",
            "principal_confirmed": "on",
            "submit": "1",
        },
        follow=True,
    )
    assert "逾期不能提交" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["index", "review", "overview", "window", "designated"],
)
def test_center_staff_pages_open(client, center_staff, name):
    assert login(client, center_staff).get(reverse(f"projects:{name}")).status_code == 200


def test_the_revision_compare_page_marks_changed_fields(client, project, center_staff):
    project.revisions.create(number=1, snapshot={"theme": "甲"}, submitted_by=center_staff)
    project.revisions.create(number=2, snapshot={"theme": "乙"}, submitted_by=center_staff)
    response = login(client, center_staff).get(reverse("projects:compare", args=[project.pk]))
    assert response.content.decode().count('data-changed="1"') == 1


def test_outsider_teacher_gets_404_on_an_activity(client, project):
    activity = ProjectActivityFactory(project=project)
    outsider = TeacherFactory(user=UserFactory())
    response = login(client, outsider.user).get(reverse("projects:activity", args=[activity.pk]))
    assert response.status_code == 404


def test_the_principal_confirms_and_submits_the_plan_in_the_window(client, school, school_admin):
    today = timezone.localdate()
    PlanWindow.objects.create(
        region=school.region, year=today.year, opens_on=today, closes_on=today
    )
    school_admin.full_name = "李校长"
    school_admin.save()
    response = login(client, school_admin).post(
        reverse("projects:plan") + f"?year={today.year}",
        {
            "goals": "g",
            "content": "c",
            "schedule": "s",
            "measures": "",
            "planned_hours": "24",
            "principal_confirmed": "on",
            "submit": "1",
        },
        follow=True,
    )
    assert "校长 李校长 于" in response.content.decode()


def test_the_overview_links_to_a_submitted_plan(client, bureau_admin, school):
    plan = SchoolPlan.objects.create(
        school=school,
        year=2026,
        goals="g",
        content="c",
        schedule="s",
        planned_hours=Decimal(24),
        state="submitted",
    )
    response = login(client, bureau_admin).get(reverse("projects:overview"), {"year": 2026})
    assert reverse("projects:plan_detail", args=[plan.pk]) in response.content.decode()


def test_the_review_queue_stays_at_a_few_queries(client, center_staff, school):
    states = (ProjectState.SUBMITTED, ProjectState.RESUBMITTED, ProjectState.EVIDENCE_SUBMITTED)

    def projects_in_review(n: int) -> None:
        for i in range(n):
            SchoolProjectFactory(school=school, state=states[i % len(states)])

    login(client, center_staff)
    response = assert_constant_queries(
        projects_in_review,
        lambda: client.get(reverse("projects:review")),
        at_most=8,
    )
    assert len(response.context["projects"]) == 50


def test_my_projects_stays_at_a_few_queries(client, project, staff):
    staff[0].user = UserFactory()
    staff[0].save()
    login(client, staff[0].user)
    response = assert_constant_queries(
        lambda n: [
            ProjectActivityFactory(project=project).attendance.create(teacher=staff[0])
            for _ in range(n)
        ],
        lambda: client.get(reverse("projects:mine")),
        at_most=10,
    )
    assert response.content.decode().count("缺勤") == 50


def test_a_negative_credit_value_is_refused_by_the_form(client, school_admin, staff):
    response = login(client, school_admin).post(
        reverse("projects:create"),
        {
            "year": 2026,
            "theme": "t",
            "goals": "g",
            "activities_plan": "a",
            "starts_on": "2099-10-01",
            "ends_on": "2099-12-31",
            "hours": "12",
            "credit_value": "-4",
            "category": "school_based",
            "participants": [staff[0].pk],
        },
    )
    assert response.status_code == 200
    assert "credit_value" in response.context["form"].errors


def test_the_overview_exports_to_excel(client, bureau_admin, school):
    SchoolProjectFactory(school=school, state=ProjectState.CERTIFIED)
    response = login(client, bureau_admin).get(
        reverse("projects:overview"), {"year": "2026", "format": "xlsx"}
    )
    table = read_table(io.BytesIO(response.getvalue()), "总览.xlsx")
    row = dict(zip(table.header, next(table.rows), strict=True))
    assert (row["学校"], row["年度计划"], row["已认定"]) == (school.name, "未提交", "1")


def test_the_project_list_finds_a_school_by_name(client, center_staff, zone):
    wanted = SchoolProjectFactory(school=SchoolFactory(zone=zone, name="梧田小学"))
    SchoolProjectFactory(school=SchoolFactory(zone=zone, name="南塘小学"))
    response = login(client, center_staff).get(
        reverse("projects:index"), {"year": "2026", "q": "梧田"}
    )
    assert [p.pk for p in response.context["page"]] == [wanted.pk]


def test_choosing_a_cross_school_group_adds_only_its_members_from_this_school(
    client, school_admin, school, staff
):
    group = GroupFactory(school=None, region=school.region, zone=None)
    group.memberships.create(teacher=staff[1])
    group.memberships.create(teacher=TeacherFactory(school=SchoolFactory(zone=school.zone)))
    response = login(client, school_admin).post(
        reverse("projects:create"),
        {
            "year": 2099,
            "theme": "跨校小学科研修",
            "goals": "g",
            "activities_plan": "a",
            "starts_on": "2099-10-01",
            "ends_on": "2099-12-31",
            "hours": "8",
            "credit_value": "2",
            "category": "school_based",
            "participants": [staff[0].pk],
            "groups": [group.pk],
        },
    )
    project = SchoolProject.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert set(project.participants.all()) == {staff[0], staff[1]}


def test_a_zone_leader_sees_the_overview_of_the_zones_schools_only(client, zone, school):
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    SchoolFactory()  # another zone
    response = login(client, leader).get(reverse("projects:overview"), {"year": "2026"})
    assert [s.pk for s in response.context["overview"].schools] == [school.pk]


def test_the_type_notice_fragment_warns_about_political_study(client, project, school_admin):
    response = login(client, school_admin).get(
        reverse("projects:type_notice", args=[project.pk]), {"activity_type": "political_study"}
    )
    assert "「政治学习」不计入校本研训学分" in response.content.decode()


def test_the_type_notice_fragment_is_empty_for_a_seminar(client, project, school_admin):
    response = login(client, school_admin).get(
        reverse("projects:type_notice", args=[project.pk]), {"activity_type": "seminar"}
    )
    assert response.content.decode().strip() == ""
