import datetime
from decimal import Decimal

import pytest

from tests.factories import SchoolFactory, UserFactory, grant
from tests.projects.factories import SchoolPlanFactory
from yanxiu.projects.models import PlanState, PlanWindow
from yanxiu.projects.services import (
    NotAllowed,
    ProjectError,
    save_school_plan,
    set_plan_window,
    submit_school_plan,
)

IN_WINDOW = datetime.date(2026, 9, 20)


@pytest.fixture
def plan(school):
    return SchoolPlanFactory(school=school)


def test_plan_is_submitted_inside_the_default_september_window(plan, school_admin):
    submit_school_plan(plan, by=school_admin, principal_confirmed=True, today=IN_WINDOW)
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


def test_late_plan_is_refused_with_the_closing_date(plan, school_admin):
    with pytest.raises(ProjectError, match="已于 2026-09-30 截止"):
        submit_school_plan(
            plan, by=school_admin, principal_confirmed=True, today=datetime.date(2026, 10, 1)
        )


def test_plan_before_the_window_opens_is_refused(plan, school_admin):
    with pytest.raises(ProjectError, match="尚未开始"):
        submit_school_plan(
            plan, by=school_admin, principal_confirmed=True, today=datetime.date(2026, 9, 14)
        )


def test_the_regions_own_window_replaces_the_default(plan, school_admin, bureau_admin):
    set_plan_window(
        plan.school.region,
        2026,
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 10, 10),
        by=bureau_admin,
    )
    submit_school_plan(
        plan, by=school_admin, principal_confirmed=True, today=datetime.date(2026, 10, 5)
    )
    assert plan.state == PlanState.SUBMITTED


def test_a_school_admin_cannot_set_the_window(school, school_admin):
    with pytest.raises(NotAllowed):
        set_plan_window(
            school.region,
            2026,
            opens_on=datetime.date(2026, 9, 1),
            closes_on=datetime.date(2026, 9, 2),
            by=school_admin,
        )
    assert not PlanWindow.objects.exists()


def test_plan_needs_the_principals_confirmation(plan, school_admin):
    with pytest.raises(ProjectError, match="请校长确认"):
        submit_school_plan(plan, by=school_admin, principal_confirmed=False, today=IN_WINDOW)


def test_principals_confirmation_records_their_name_and_time(plan, school_admin):
    school_admin.full_name = "李校长"
    submit_school_plan(plan, by=school_admin, principal_confirmed=True, today=IN_WINDOW)
    plan.refresh_from_db()
    assert (plan.principal_name, plan.principal_confirmed_by) == ("李校长", school_admin)
    assert plan.principal_confirmed_at is not None


def test_a_submitted_plan_cannot_be_changed(plan, school_admin):
    submit_school_plan(plan, by=school_admin, principal_confirmed=True, today=IN_WINDOW)
    data = {"goals": "x", "content": "y", "schedule": "z", "measures": "", "planned_hours": 1}
    with pytest.raises(ProjectError, match="已提交"):
        save_school_plan(plan.school, 2026, by=school_admin, data=data)


def test_another_schools_admin_cannot_write_the_plan(school):
    stranger = UserFactory()
    grant(stranger, "school_admin", school=SchoolFactory(zone=school.zone))
    data = {"goals": "x", "content": "y", "schedule": "z", "measures": "", "planned_hours": 1}
    with pytest.raises(NotAllowed):
        save_school_plan(school, 2026, by=stranger, data=data)


def test_school_admin_drafts_the_plan(school, school_admin):
    data = {"goals": "x", "content": "y", "schedule": "z", "measures": "", "planned_hours": 24}
    plan = save_school_plan(school, 2026, by=school_admin, data=data)
    assert (plan.state, plan.planned_hours) == (PlanState.DRAFT, Decimal(24))
