"""The projects API: same scoping, permissions and refusals as the pages."""

import pytest

from tests.api.conftest import TokenClient
from tests.factories import SchoolFactory
from tests.projects.conftest import BEFORE_START
from tests.projects.factories import SchoolProjectFactory
from yanxiu.api.services import issue_token
from yanxiu.credits.models import CreditEntry
from yanxiu.projects.models import ProjectState
from yanxiu.projects.services import submit_project


@pytest.fixture
def api_as():
    def make(user):
        return TokenClient(issue_token(user, name="测试")[1])

    return make


def application(staff, **overrides):
    body = {
        "year": 2099,
        "theme": "作业设计与评价",
        "goals": "减负提质",
        "activities_plan": "四次专题研讨",
        "starts_on": "2099-10-01",
        "ends_on": "2099-12-31",
        "hours": "16",
        "credit_value": "4",
        "leader_id": staff[0].pk,
        "participant_ids": [t.pk for t in staff],
    }
    body.update(overrides)
    return body


def test_the_list_shows_only_the_callers_school(api_as, project, school_admin):
    SchoolProjectFactory(school=SchoolFactory())
    response = api_as(school_admin).get("/api/projects")
    assert [p["id"] for p in response.json()["items"]] == [project.pk]


def test_another_schools_project_is_not_found(api_as, school_admin):
    other = SchoolProjectFactory(school=SchoolFactory())
    assert api_as(school_admin).get(f"/api/projects/{other.pk}").status_code == 404


def test_a_school_admin_creates_and_submits_an_application(api_as, school_admin, staff):
    client = api_as(school_admin)
    created = client.post("/api/projects", application(staff)).json()
    response = client.post(f"/api/projects/{created['id']}/submit", {})
    assert (response.status_code, response.json()["state"]) == (200, "submitted")


def test_a_school_admin_approving_gets_403_with_the_reason(api_as, project, school_admin):
    submit_project(project, by=school_admin, today=BEFORE_START)
    response = api_as(school_admin).post(f"/api/projects/{project.pk}/approve", {})
    assert response.status_code == 403
    assert "不能审批本校的项目" in response.json()["detail"]


def test_returning_without_a_comment_is_a_400(api_as, project, school_admin, center_staff):
    submit_project(project, by=school_admin, today=BEFORE_START)
    response = api_as(center_staff).post(f"/api/projects/{project.pk}/return", {"comment": ""})
    assert (response.status_code, response.json()["detail"]) == (400, "退回时请写明修改意见。")


def test_certifying_before_evidence_is_a_400(api_as, project, center_staff):
    project.state = ProjectState.IN_PROGRESS
    project.save()
    response = api_as(center_staff).post(f"/api/projects/{project.pk}/certify", {"grade": "good"})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "学校尚未提交实施材料，不能认定。",
    )


def test_the_whole_life_cycle_through_the_api(api_as, project, school_admin, center_staff, staff):
    school, center = api_as(school_admin), api_as(center_staff)
    submit_project(project, by=school_admin, today=BEFORE_START)
    assert center.post(f"/api/projects/{project.pk}/approve", {}).status_code == 200
    activity = school.post(
        f"/api/projects/{project.pk}/activities",
        {
            "title": "专题研讨：作业分层",
            "activity_type": "seminar",
            "starts_at": "2026-10-09T14:00:00+08:00",
            "ends_at": "2026-10-09T16:00:00+08:00",
            "place": "线上会议",
            "mode": "online",
            "credit_value": "3",
            "attended_ids": [staff[0].pk, staff[1].pk],
        },
    ).json()
    assert activity["absent_ids"] == [staff[2].pk]
    school.post(f"/api/projects/{project.pk}/evidence", {"summary": "完成专题研讨"})
    certified = center.post(f"/api/projects/{project.pk}/certify", {"grade": "excellent"}).json()
    assert sorted(c["teacher_id"] for c in certified["credits"]) == [staff[0].pk, staff[1].pk]
    assert CreditEntry.objects.filter(amount=3).count() == 2


def test_an_excluded_activity_type_comes_back_with_the_notice(api_as, project, school_admin, staff):
    project.state = ProjectState.APPROVED
    project.save()
    response = api_as(school_admin).post(
        f"/api/projects/{project.pk}/activities",
        {
            "title": "政治学习",
            "activity_type": "political_study",
            "starts_at": "2026-10-09T14:00:00+08:00",
            "ends_at": "2026-10-09T15:00:00+08:00",
            "place": "礼堂",
            "attended_ids": [staff[0].pk],
        },
    )
    assert "不计入校本研训学分" in response.json()["exclusion_notice"]


def test_a_teacher_cannot_create_an_application(api_as, teacher, staff):
    response = api_as(teacher.user).post("/api/projects", application(staff))
    assert response.status_code == 403
