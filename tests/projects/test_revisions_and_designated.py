import datetime
from decimal import Decimal

import pytest

from tests.factories import SchoolFactory, UserFactory
from tests.projects.conftest import BEFORE_START
from yanxiu.projects.models import DesignatedContent, ProjectEvent, ProjectKind, ProjectState
from yanxiu.projects.selectors import revision_diff
from yanxiu.projects.services import (
    NotAllowed,
    ProjectError,
    assign_designated,
    resubmit_project,
    return_project,
    save_application,
    submit_project,
)


def test_two_revisions_are_compared_field_by_field(project, school_admin, center_staff, staff):
    submit_project(project, by=school_admin, today=BEFORE_START)
    return_project(project, by=center_staff, comment="学时偏多")
    save_application(
        project,
        school=project.school,
        by=school_admin,
        data={"hours": Decimal(12)},
        participants=staff[:2],
    )
    resubmit_project(project, by=school_admin, today=BEFORE_START)
    first, second = project.revisions.all()
    changed = {c.label: (c.old, c.new) for c in revision_diff(first, second) if c.changed}
    assert changed == {
        "学时": ("24.0", "12.0"),
        "参训教师": (
            "、".join(sorted(t.name for t in staff)),
            "、".join(sorted(t.name for t in staff[:2])),
        ),
    }


@pytest.fixture
def content(school, center_staff):
    return DesignatedContent.objects.create(
        region=school.region,
        year=2026,
        title="新课程新教材疑难问题解决",
        hours=Decimal(12),
        credit_value=Decimal(4),
        created_by=center_staff,
    )


def test_designated_content_arrives_as_an_approved_project(content, school, center_staff, staff):
    (project,) = assign_designated(content, [school], by=center_staff)
    assert (project.kind, project.state, project.participants.count()) == (
        ProjectKind.DESIGNATED,
        ProjectState.APPROVED,
        len(staff),
    )
    assert ProjectEvent.objects.get(project=project).by == center_staff


def test_designated_content_is_assigned_to_a_school_only_once(content, school, center_staff):
    assign_designated(content, [school], by=center_staff)
    assert assign_designated(content, [school, SchoolFactory(zone=school.zone)], by=center_staff)
    assert content.projects.count() == 2


def test_a_school_admin_cannot_assign_designated_content(content, school, school_admin):
    with pytest.raises(NotAllowed):
        assign_designated(content, [school], by=school_admin)


def test_designated_content_needs_no_application(content, school, center_staff, school_admin):
    (project,) = assign_designated(content, [school], by=center_staff)
    project.state = ProjectState.DRAFT
    project.save()
    with pytest.raises(ProjectError, match="无需申报"):
        submit_project(project, by=school_admin, today=datetime.date(2025, 1, 1))


def test_center_staff_of_another_region_cannot_assign(content, school):
    from tests.factories import grant

    outsider = UserFactory()
    grant(outsider, "center_staff", region=SchoolFactory().region)
    with pytest.raises(NotAllowed):
        assign_designated(content, [school], by=outsider)
