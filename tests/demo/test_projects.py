from django.core.management import call_command

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from yanxiu.credits.models import CreditEntry
from yanxiu.projects.models import ProjectState, SchoolProject


def test_the_demo_puts_a_school_at_each_step_and_credits_the_certified_one(zone, center_staff):
    for _ in range(5):
        school = SchoolFactory(zone=zone)
        TeacherFactory.create_batch(3, school=school)
        grant(UserFactory(), "school_admin", school=school)
    call_command("demo_projects", region=zone.region.code)
    states = set(SchoolProject.objects.filter(kind="self_chosen").values_list("state", flat=True))
    assert states == {
        ProjectState.SUBMITTED,
        ProjectState.RETURNED,
        ProjectState.IN_PROGRESS,
        ProjectState.EVIDENCE_SUBMITTED,
        ProjectState.CERTIFIED,
    }
    # 2 + 2 for the two creditable activities; the routine meeting (1) adds nothing. The
    # last teacher attended only the first activity.
    assert set(CreditEntry.objects.values_list("amount", flat=True)) == {4, 2}


def test_the_demo_runs_only_once(zone, school, center_staff, school_admin):
    TeacherFactory.create_batch(3, school=school)
    call_command("demo_projects", region=zone.region.code)
    count = SchoolProject.objects.count()
    call_command("demo_projects", region=zone.region.code)
    assert SchoolProject.objects.count() == count
