from tests.factories import GroupFactory, SchoolFactory, TeacherFactory, UserFactory, grant
from yanxiu.orgs.models import School, Teacher
from yanxiu.orgs.scoping import narrowest, scope_of


def test_school_admin_sees_only_their_school_teachers(school, other_school, school_admin):
    mine = TeacherFactory(school=school)
    TeacherFactory(school=other_school)
    assert list(Teacher.objects.visible_to(school_admin)) == [mine]


def test_zone_leader_sees_exactly_the_zone_schools(zone, school):
    same_zone = SchoolFactory(zone=zone)
    SchoolFactory()  # another zone
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    assert set(School.objects.visible_to(leader)) == {school, same_zone}


def test_teacher_sees_only_their_own_record(school, teacher):
    TeacherFactory(school=school)
    assert list(Teacher.objects.visible_to(teacher.user)) == [teacher]


def test_group_leader_sees_members_across_schools(school, other_school):
    group = GroupFactory(school=None, region=school.region, zone=None)
    member = TeacherFactory(school=other_school)
    group.memberships.create(teacher=member)
    TeacherFactory(school=other_school)
    leader = UserFactory()
    grant(leader, "group_leader", group=group)
    assert list(Teacher.objects.visible_to(leader)) == [member]


def test_bureau_admin_sees_the_whole_region(zone, bureau_admin):
    inside = TeacherFactory(school=SchoolFactory(zone=zone))
    assert scope_of(bureau_admin).manages(inside.org_path)
    assert inside in Teacher.objects.visible_to(bureau_admin)


def test_anonymous_sees_nothing(teacher):
    from django.contrib.auth.models import AnonymousUser

    assert not Teacher.objects.visible_to(AnonymousUser()).exists()


def test_narrowest_drops_covered_paths():
    assert narrowest(["1/", "1/2/", "3/4/5/", "3/4/"]) == ("1/", "3/4/")


def test_school_admin_cannot_manage_another_school(school_admin, other_school):
    other = TeacherFactory(school=other_school)
    assert not school_admin.has_perm("orgs.change_teacher", other)
