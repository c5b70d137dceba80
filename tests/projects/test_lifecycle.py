"""Every transition of a self-chosen project, and every refusal."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.projects.conftest import BEFORE_START
from yanxiu.projects.models import ProjectEvent, ProjectState
from yanxiu.projects.services import (
    NotAllowed,
    ProjectError,
    approve_project,
    reject_project,
    resubmit_project,
    return_project,
    save_application,
    start_project,
    submit_project,
)


def submitted(project, school_admin):
    return submit_project(project, by=school_admin, today=BEFORE_START)


def approved(project, school_admin, center_staff):
    return approve_project(submitted(project, school_admin), by=center_staff)


def test_submitting_a_draft_moves_it_to_submitted(project, school_admin):
    assert submitted(project, school_admin).state == ProjectState.SUBMITTED


def test_submitting_keeps_the_application_as_revision_one(project, school_admin):
    submitted(project, school_admin)
    revision = project.revisions.get()
    assert (revision.number, revision.snapshot["theme"]) == (1, project.theme)


def test_an_application_after_the_project_started_is_refused(project, school_admin):
    with pytest.raises(ProjectError, match="须在实施前申报"):
        submit_project(project, by=school_admin, today=datetime.date(2026, 10, 2))


def test_an_application_without_participants_is_refused(project, school_admin):
    project.participants.clear()
    with pytest.raises(ProjectError, match="参训教师"):
        submitted(project, school_admin)


def test_another_schools_admin_cannot_submit(project, school):
    stranger = UserFactory()
    grant(stranger, "school_admin", school=SchoolFactory(zone=school.zone))
    with pytest.raises(NotAllowed):
        submit_project(project, by=stranger, today=BEFORE_START)


def test_a_school_admin_cannot_approve_their_own_schools_project(project, school_admin):
    submitted(project, school_admin)
    with pytest.raises(NotAllowed, match="不能审批本校的项目"):
        approve_project(project, by=school_admin)


def test_a_bureau_admin_does_not_approve_projects(project, school_admin, bureau_admin):
    submitted(project, school_admin)
    with pytest.raises(NotAllowed, match="培训中心"):
        approve_project(project, by=bureau_admin)


def test_center_staff_approve_a_submitted_project(project, school_admin, center_staff):
    assert approved(project, school_admin, center_staff).state == ProjectState.APPROVED


def test_a_draft_cannot_be_approved(project, center_staff):
    with pytest.raises(ProjectError, match="「草稿」，不能核准"):
        approve_project(project, by=center_staff)


def test_returning_needs_a_comment(project, school_admin, center_staff):
    submitted(project, school_admin)
    with pytest.raises(ProjectError, match="修改意见"):
        return_project(project, by=center_staff, comment="  ")


def test_a_returned_project_keeps_the_centers_comment(project, school_admin, center_staff):
    submitted(project, school_admin)
    return_project(project, by=center_staff, comment="请补充活动安排")
    event = project.events.last()
    assert (event.to_state, event.comment, event.by) == (
        ProjectState.RETURNED,
        "请补充活动安排",
        center_staff,
    )


def test_a_returned_project_is_revised_and_resubmitted_as_revision_two(
    project, school_admin, center_staff
):
    submitted(project, school_admin)
    return_project(project, by=center_staff, comment="请补充活动安排")
    save_application(
        project,
        school=project.school,
        by=school_admin,
        data={"activities_plan": "十月集体备课，十一月观课磨课"},
        participants=project.participants.all(),
    )
    resubmit_project(project, by=school_admin, today=BEFORE_START)
    project.refresh_from_db()
    assert project.state == ProjectState.RESUBMITTED
    assert list(project.revisions.values_list("number", flat=True)) == [1, 2]


def test_resubmitting_a_draft_is_refused(project, school_admin):
    with pytest.raises(ProjectError, match="不能重新提交申报"):
        resubmit_project(project, by=school_admin, today=BEFORE_START)


def test_an_approved_application_cannot_be_edited(project, school_admin, center_staff):
    approved(project, school_admin, center_staff)
    with pytest.raises(ProjectError, match="「已核准」，不能修改申报内容"):
        save_application(
            project,
            school=project.school,
            by=school_admin,
            data={"hours": Decimal(100)},
            participants=project.participants.all(),
        )


def test_participants_from_another_school_are_refused(project, school_admin):
    outsider = TeacherFactory(name="外校教师")
    with pytest.raises(ProjectError, match="外校教师"):
        save_application(
            project, school=project.school, by=school_admin, data={}, participants=[outsider]
        )


def test_the_center_rejects_an_application(project, school_admin, center_staff):
    submitted(project, school_admin)
    reject_project(project, by=center_staff, comment="与指定内容重复")
    assert project.state == ProjectState.REJECTED


def test_starting_an_approved_project_puts_it_in_progress(project, school_admin, center_staff):
    approved(project, school_admin, center_staff)
    assert start_project(project, by=school_admin).state == ProjectState.IN_PROGRESS


def test_every_state_change_is_recorded_with_who(project, school_admin, center_staff):
    submitted(project, school_admin)
    return_project(project, by=center_staff, comment="请补充")
    resubmit_project(project, by=school_admin, today=BEFORE_START)
    approve_project(project, by=center_staff)
    start_project(project, by=school_admin)
    assert list(ProjectEvent.objects.values_list("from_state", "to_state", "by__username")) == [
        ("draft", "submitted", "school_admin"),
        ("submitted", "returned", "center_staff"),
        ("returned", "resubmitted", "school_admin"),
        ("resubmitted", "approved", "center_staff"),
        ("approved", "in_progress", "school_admin"),
    ]


def test_center_staff_of_another_region_cannot_approve(project, school_admin):
    outsider = UserFactory()
    grant(outsider, "center_staff", region=SchoolFactory().region)
    submitted(project, school_admin)
    with pytest.raises(NotAllowed):
        approve_project(project, by=outsider)


def test_a_zone_leader_cannot_return_a_project(project, school_admin, zone):
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    submitted(project, school_admin)
    with pytest.raises(NotAllowed):
        return_project(project, by=leader, comment="请修改")
