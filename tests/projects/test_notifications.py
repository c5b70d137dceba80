"""The people who must act next hear about it."""

from decimal import Decimal

from django.utils import timezone

from tests.factories import UserFactory
from tests.projects.conftest import BEFORE_START
from yanxiu.notifications.models import Notification
from yanxiu.projects.models import ProjectState
from yanxiu.projects.services import (
    certify_project,
    record_activity,
    return_project,
    submit_evidence,
    submit_project,
)


def test_the_center_hears_of_a_new_application(
    project, school_admin, center_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_project(project, by=school_admin, today=BEFORE_START)
    assert "请审核" in Notification.objects.get(recipient=center_staff).title


def test_the_school_hears_why_its_application_was_returned(
    project, school_admin, center_staff, django_capture_on_commit_callbacks
):
    submit_project(project, by=school_admin, today=BEFORE_START)
    with django_capture_on_commit_callbacks(execute=True):
        return_project(project, by=center_staff, comment="请补充活动安排")
    note = Notification.objects.get(recipient=school_admin)
    assert (note.body, note.url) == ("请补充活动安排", f"/projects/{project.pk}/")


def test_each_credited_teacher_hears_how_much_they_earned(
    project, school_admin, center_staff, staff, django_capture_on_commit_callbacks
):
    staff[0].user = UserFactory()
    staff[0].save()
    project.state = ProjectState.APPROVED
    project.save()
    now = timezone.now()
    record_activity(
        project,
        by=school_admin,
        data={
            "title": "沙龙",
            "activity_type": "salon",
            "starts_at": now,
            "ends_at": now,
            "place": "图书室",
            "credit_value": Decimal("1.5"),
        },
        participants=[],
        attended=staff,
    )
    submit_evidence(project, by=school_admin, summary="完成")
    with django_capture_on_commit_callbacks(execute=True):
        certify_project(project, by=center_staff, grade="good")
    assert "1.50 学分" in Notification.objects.get(recipient=staff[0].user).title
