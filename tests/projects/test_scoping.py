import datetime

from django.utils import timezone

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.projects.factories import ProjectActivityFactory, SchoolProjectFactory
from yanxiu.projects.models import SchoolProject
from yanxiu.training.selectors import calendar_events


def test_a_school_admin_sees_only_their_schools_projects(project, school_admin):
    SchoolProjectFactory(school=SchoolFactory())
    assert list(SchoolProject.objects.visible_to(school_admin)) == [project]


def test_a_teacher_sees_only_the_projects_they_take_part_in(project, staff, school):
    SchoolProjectFactory(school=school)
    staff[0].user = UserFactory()
    staff[0].save()
    assert list(SchoolProject.objects.visible_to(staff[0].user)) == [project]


def test_a_zone_leader_sees_the_zones_projects(project, zone):
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    SchoolProjectFactory(school=SchoolFactory())
    assert list(SchoolProject.objects.visible_to(leader)) == [project]


def test_a_teacher_of_another_school_sees_nothing(project):
    outsider = TeacherFactory(user=UserFactory())
    assert not SchoolProject.objects.visible_to(outsider.user).exists()


def test_a_teachers_calendar_shows_the_activities_they_are_expected_at(project, staff):
    staff[0].user = UserFactory()
    staff[0].save()
    mine = ProjectActivityFactory(project=project, title="观课磨课")
    mine.attendance.create(teacher=staff[0])
    ProjectActivityFactory(project=project, title="别人的活动")
    now = timezone.now()
    events = calendar_events(
        staff[0].user, now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    )
    assert [e.title for e in events] == [f"{project.theme} · 观课磨课"]


def test_the_school_calendar_shows_the_schools_activities(project, school_admin):
    ProjectActivityFactory(project=project, title="集体备课")
    ProjectActivityFactory(project=SchoolProjectFactory(school=SchoolFactory()), title="外校")
    now = timezone.now()
    events = calendar_events(
        school_admin,
        now - datetime.timedelta(days=1),
        now + datetime.timedelta(days=1),
        level="school",
    )
    assert [e.kind for e in events] == ["校本研训"]
