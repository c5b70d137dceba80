"""Activities, evidence and certification: credits reach each participant once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.projects.factories import ProjectActivityFactory
from yanxiu.credits.models import CreditEntry
from yanxiu.projects.models import ActivityType, Grade, ProjectState
from yanxiu.projects.selectors import exclusion_notice, participant_credits
from yanxiu.projects.services import (
    ProjectError,
    certify_project,
    mark_attendance,
    record_activity,
    reject_project,
    submit_evidence,
)

START = datetime.datetime(2026, 10, 9, 14, 0, tzinfo=timezone.get_current_timezone())


def activity_data(**overrides):
    data = {
        "title": "三年级语文集体备课",
        "activity_type": ActivityType.LESSON_PREP,
        "starts_at": START,
        "ends_at": START + datetime.timedelta(hours=2),
        "place": "三楼会议室",
        "credit_value": Decimal(2),
    }
    data.update(overrides)
    return data


@pytest.fixture
def running(project):
    project.state = ProjectState.APPROVED
    project.save()
    return project


def record(project, by, attended, **overrides):
    return record_activity(
        project, by=by, data=activity_data(**overrides), participants=[], attended=attended
    )


def evidenced(project, by):
    return submit_evidence(project, by=by, summary="完成三次集体备课，形成教学设计集")


def test_recording_the_first_activity_starts_the_project(running, school_admin, staff):
    record(running, school_admin, attended=staff)
    assert running.state == ProjectState.IN_PROGRESS


def test_an_activity_expects_every_participant_by_default(running, school_admin, staff):
    activity = record(running, school_admin, attended=staff[:1])
    assert sorted(activity.attendance.values_list("teacher_id", "attended")) == [
        (staff[0].pk, True),
        (staff[1].pk, False),
        (staff[2].pk, False),
    ]


def test_activities_cannot_be_recorded_before_approval(project, school_admin, staff):
    with pytest.raises(ProjectError, match="不能记录活动"):
        record(project, school_admin, attended=staff)


def test_attendance_is_corrected_by_hand(running, school_admin, staff):
    activity = record(running, school_admin, attended=staff[:1])
    mark_attendance(activity, by=school_admin, attended=staff[1:])
    assert set(activity.attendance.filter(attended=True).values_list("teacher_id", flat=True)) == {
        staff[1].pk,
        staff[2].pk,
    }


def test_the_recording_form_warns_that_a_routine_meeting_earns_nothing(project):
    assert "不计入校本研训学分" in exclusion_notice(project, ActivityType.ROUTINE_MEETING)
    assert exclusion_notice(project, ActivityType.SALON) == ""


def test_evidence_needs_an_activity(running, school_admin):
    running.state = ProjectState.IN_PROGRESS
    running.save()
    with pytest.raises(ProjectError, match="没有记录任何活动"):
        evidenced(running, school_admin)


def test_the_center_cannot_certify_before_evidence(running, school_admin, center_staff, staff):
    record(running, school_admin, attended=staff)
    with pytest.raises(ProjectError, match="尚未提交实施材料"):
        certify_project(running, by=center_staff, grade=Grade.GOOD)


def test_a_school_admin_cannot_certify(running, school_admin, staff):
    record(running, school_admin, attended=staff)
    evidenced(running, school_admin)
    with pytest.raises(ProjectError, match="只有培训中心"):
        certify_project(running, by=school_admin, grade=Grade.GOOD)


def test_certification_posts_each_attendees_credits_with_the_project_as_source(
    running, school_admin, center_staff, staff
):
    record(running, school_admin, attended=staff)
    evidenced(running, school_admin)
    certify_project(running, by=center_staff, grade=Grade.GOOD, score=Decimal(88))
    entries = CreditEntry.objects.order_by("teacher_id")
    assert [(e.teacher_id, e.amount, e.source_id, e.certified_by) for e in entries] == [
        (t.pk, Decimal(2), running.pk, center_staff) for t in staff
    ]
    assert running.state == ProjectState.CERTIFIED


def test_an_absent_participant_gets_no_entry(running, school_admin, center_staff, staff):
    record(running, school_admin, attended=staff[:2])
    evidenced(running, school_admin)
    certify_project(running, by=center_staff, grade=Grade.PASS)
    assert not CreditEntry.objects.filter(teacher=staff[2]).exists()


def test_credits_are_capped_at_the_projects_value(running, school_admin, staff):
    for _ in range(4):
        record(running, school_admin, attended=staff[:1])
    assert participant_credits(running)[staff[0].pk] == running.credit_value == Decimal(6)


@pytest.mark.parametrize(
    "excluded",
    [ActivityType.ROUTINE_MEETING, ActivityType.POLITICAL_STUDY, ActivityType.RECREATION],
)
def test_excluded_activity_types_earn_nothing(running, school_admin, staff, excluded):
    record(running, school_admin, attended=staff, activity_type=excluded)
    record(running, school_admin, attended=staff[:1])
    assert participant_credits(running) == {
        staff[0].pk: Decimal(2),
        staff[1].pk: Decimal(0),
        staff[2].pk: Decimal(0),
    }


def test_credits_are_posted_only_once(running, school_admin, center_staff, staff):
    record(running, school_admin, attended=staff)
    evidenced(running, school_admin)
    certify_project(running, by=center_staff, grade=Grade.GOOD)
    with pytest.raises(ProjectError, match="「已认定」，不能认定"):
        certify_project(running, by=center_staff, grade=Grade.GOOD)
    assert CreditEntry.objects.count() == len(staff)


def test_the_center_rejects_unconvincing_evidence(running, school_admin, center_staff, staff):
    record(running, school_admin, attended=staff)
    evidenced(running, school_admin)
    reject_project(running, by=center_staff, comment="过程记录不实")
    assert running.state == ProjectState.REJECTED
    assert not CreditEntry.objects.exists()


def test_a_failing_grade_is_not_a_certification(running, school_admin, center_staff, staff):
    ProjectActivityFactory(project=running)
    running.state = ProjectState.EVIDENCE_SUBMITTED
    running.save()
    with pytest.raises(ProjectError, match="不通过"):
        certify_project(running, by=center_staff, grade=Grade.FAIL)
