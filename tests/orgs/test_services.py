import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    GroupFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    ZoneFactory,
    grant,
)
from yanxiu.orgs import services
from yanxiu.orgs.models import Departure, Role, RoleAssignment, Stage, TeacherPosting
from yanxiu.orgs.scoping import scope_of

ON = datetime.date(2026, 7, 1)


def test_moving_a_school_to_another_zone_moves_its_teachers_groups_and_roles(school, bureau_admin):
    teacher = TeacherFactory(school=school)
    group = GroupFactory(school=school)
    admin = UserFactory()
    grant(admin, "school_admin", school=school)
    new_zone = ZoneFactory(region=school.region)
    services.move_school_to_zone(school, new_zone, by=bureau_admin)
    expected = f"{school.region_id}/{new_zone.pk}/{school.pk}/"
    teacher.refresh_from_db()
    group.refresh_from_db()
    assignment = RoleAssignment.objects.get(user=admin)
    assert (teacher.org_path, group.org_path, assignment.scope_path) == (expected,) * 3


def test_zone_leader_of_the_new_zone_sees_a_moved_school(school, bureau_admin):
    new_zone = ZoneFactory(region=school.region)
    leader = UserFactory()
    grant(leader, "zone_leader", zone=new_zone)
    teacher = TeacherFactory(school=school)
    services.move_school_to_zone(school, new_zone, by=bureau_admin)
    assert list(type(teacher).objects.visible_to(leader)) == [teacher]


def test_creating_a_school_records_who_did_it_in_the_audit_log(zone, bureau_admin):
    school = services.create_school(
        zone.region, code="X1", name="新城小学", stage=Stage.PRIMARY, zone=zone, by=bureau_admin
    )
    entry = LogEntry.objects.get_for_object(school).get()
    assert entry.actor == bureau_admin


def test_deactivating_a_teacher_closes_the_posting_and_ends_roles(school, bureau_admin):
    teacher = TeacherFactory(school=school, user=UserFactory())
    TeacherPosting.objects.create(
        teacher=teacher, school=school, start_date=datetime.date(2010, 9, 1)
    )
    grant(teacher.user, "school_admin", school=school)
    services.deactivate_teacher(teacher, reason=Departure.RETIRED, on=ON, by=bureau_admin)
    teacher.refresh_from_db()
    assert (teacher.is_active, teacher.departure) == (False, Departure.RETIRED)
    assert TeacherPosting.objects.get(teacher=teacher).end_date == ON
    assert not RoleAssignment.objects.filter(user=teacher.user).exists()


def test_a_school_group_refuses_a_teacher_of_another_school(school, other_school, bureau_admin):
    group = GroupFactory(school=school)
    with pytest.raises(ValidationError):
        services.add_member(group, TeacherFactory(school=other_school), by=bureau_admin)


def test_a_zone_group_takes_teachers_from_several_schools_of_the_zone(zone, bureau_admin):
    group = GroupFactory(school=None, zone=zone, region=zone.region)
    for school in (SchoolFactory(zone=zone), SchoolFactory(zone=zone)):
        services.add_member(group, TeacherFactory(school=school), by=bureau_admin)
    assert group.members.count() == 2


def test_naming_a_group_leader_gives_their_login_the_role(school, school_admin):
    group = GroupFactory(school=school)
    teacher = TeacherFactory(school=school, user=UserFactory())
    services.set_group_leader(group, teacher, by=school_admin)
    assert scope_of(teacher.user).led_group_ids == (group.pk,)


def test_school_admin_grants_group_leader_in_their_school(school, school_admin):
    group = GroupFactory(school=school)
    user = TeacherFactory(school=school, user=UserFactory()).user
    assignment = services.role_assignment(
        user, Role.GROUP_LEADER, region=school.region, group=group
    )
    services.grant_role(assignment, by=school_admin)
    assert RoleAssignment.objects.filter(user=user, group=group).exists()


def test_school_admin_cannot_grant_a_school_admin_role(school, school_admin):
    user = UserFactory()
    assignment = services.role_assignment(
        user, Role.SCHOOL_ADMIN, region=school.region, school=school
    )
    with pytest.raises(PermissionDenied):
        services.grant_role(assignment, by=school_admin)


def test_school_admin_cannot_grant_a_group_of_another_school(school, other_school, school_admin):
    group = GroupFactory(school=other_school)
    assignment = services.role_assignment(
        UserFactory(), Role.GROUP_LEADER, region=other_school.region, group=group
    )
    with pytest.raises(PermissionDenied):
        services.grant_role(assignment, by=school_admin)


def test_bureau_admin_grants_a_zone_leader(zone, bureau_admin):
    user = UserFactory()
    assignment = services.role_assignment(user, Role.ZONE_LEADER, region=zone.region, zone=zone)
    services.grant_role(assignment, by=bureau_admin)
    assert scope_of(user).read_paths == (zone.org_path,)


def test_a_role_needs_its_kind_of_target(zone):
    with pytest.raises(ValidationError):
        services.role_assignment(UserFactory(), Role.SCHOOL_ADMIN, region=zone.region, zone=zone)


def test_creating_an_account_returns_a_password_that_logs_in(school, school_admin):
    teacher = TeacherFactory(school=school)
    user, password = services.create_account(teacher, username="zhang.san", by=school_admin)
    assert user.check_password(password)
    teacher.refresh_from_db()
    assert teacher.user == user


def test_a_teacher_gets_only_one_account(teacher, school_admin):
    with pytest.raises(ValidationError):
        services.create_account(teacher, username="another", by=school_admin)


def test_revoking_a_group_leader_role_clears_the_group_leader(school, school_admin):
    group = GroupFactory(school=school)
    teacher = TeacherFactory(school=school, user=UserFactory())
    services.set_group_leader(group, teacher, by=school_admin)
    services.revoke_role(RoleAssignment.objects.get(group=group), by=school_admin)
    group.refresh_from_db()
    assert group.leader is None
