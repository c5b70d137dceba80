import datetime

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import GroupFactory, SchoolFactory, TeacherFactory, UserFactory, grant
from tests.orgs.factories import SchoolHonourFactory
from tests.queries import assert_constant_queries
from yanxiu.orgs.models import Group, Role, RoleAssignment, TeacherPosting


@pytest.fixture
def foreign_teacher(other_school):
    return TeacherFactory(school=other_school, name="外校教师")


@pytest.mark.parametrize(
    "url_name",
    ["teacher_detail", "teacher_edit", "teacher_transfer", "teacher_deactivate", "teacher_account"],
)
def test_school_admin_cannot_open_another_school_teacher(
    client, school_admin, foreign_teacher, url_name
):
    response = login(client, school_admin).get(
        reverse(f"orgs:{url_name}", args=[foreign_teacher.pk])
    )
    assert response.status_code == 404


def test_school_admin_cannot_change_another_school_teacher(client, school_admin, foreign_teacher):
    login(client, school_admin).post(
        reverse("orgs:teacher_edit", args=[foreign_teacher.pk]), {"name": "改名"}
    )
    foreign_teacher.refresh_from_db()
    assert foreign_teacher.name == "外校教师"


def test_school_admin_does_not_find_another_school_teacher_by_name(
    client, school_admin, foreign_teacher
):
    response = login(client, school_admin).get(reverse("orgs:teacher_list"), {"q": "外校"})
    assert list(response.context["page"]) == []


def test_teacher_list_finds_a_teacher_by_name(client, school, school_admin):
    wanted = TeacherFactory(school=school, name="张晓燕")
    TeacherFactory(school=school, name="李明")
    response = login(client, school_admin).get(reverse("orgs:teacher_list"), {"q": "晓燕"})
    assert list(response.context["page"]) == [wanted]


def test_teacher_sees_their_own_record(client, teacher):
    response = login(client, teacher.user).get(reverse("orgs:teacher_detail", args=[teacher.pk]))
    assert response.status_code == 200
    assert teacher.id_number_masked in response.content.decode()


def test_teacher_cannot_open_a_colleague_record(client, school, teacher):
    colleague = TeacherFactory(school=school)
    response = login(client, teacher.user).get(reverse("orgs:teacher_detail", args=[colleague.pk]))
    assert response.status_code == 404


def test_teacher_cannot_edit_their_own_record(client, teacher):
    response = login(client, teacher.user).get(reverse("orgs:teacher_edit", args=[teacher.pk]))
    assert response.status_code == 403


def test_teacher_roster_shows_a_teacher_only_themselves(client, school, teacher):
    TeacherFactory(school=school)
    response = login(client, teacher.user).get(reverse("orgs:teacher_list"))
    assert list(response.context["page"]) == [teacher]


def test_zone_leader_sees_exactly_the_zone_schools_on_the_school_list(client, zone, school):
    same_zone = SchoolFactory(zone=zone)
    SchoolFactory(region=zone.region)
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    response = login(client, leader).get(reverse("orgs:school_list"))
    assert set(response.context["schools"]) == {school, same_zone}


def test_zone_leader_cannot_open_a_school_of_another_zone(client, zone, other_school):
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    response = login(client, leader).get(reverse("orgs:school_detail", args=[other_school.pk]))
    assert response.status_code == 404


def test_school_list_filters_by_stage(client, zone, bureau_admin):
    kindergarten = SchoolFactory(zone=zone, stage="kindergarten")
    SchoolFactory(zone=zone, stage="primary")
    response = login(client, bureau_admin).get(
        reverse("orgs:school_list"), {"stage": "kindergarten"}
    )
    assert list(response.context["schools"]) == [kindergarten]


def test_school_list_costs_a_fixed_number_of_queries(client, zone, bureau_admin):
    login(client, bureau_admin)
    assert_constant_queries(
        lambda n: [TeacherFactory(school=SchoolFactory(zone=zone)) for _ in range(n)],
        lambda: client.get(reverse("orgs:school_list")),
        at_most=12,
    )


def test_teacher_list_costs_a_fixed_number_of_queries(client, school, school_admin):
    login(client, school_admin)
    assert_constant_queries(
        lambda n: TeacherFactory.create_batch(n, school=school),
        lambda: client.get(reverse("orgs:teacher_list")),
        at_most=10,
    )


def test_region_page_costs_a_fixed_number_of_queries(client, zone, bureau_admin):
    login(client, bureau_admin)
    response = assert_constant_queries(
        lambda n: [TeacherFactory(school=SchoolFactory(zone=zone)) for _ in range(n)],
        lambda: client.get(reverse("orgs:region")),
        at_most=10,
    )
    assert response.context["rows"][0].teachers == 50


def test_group_list_costs_a_fixed_number_of_queries(client, school, school_admin):
    login(client, school_admin)
    response = assert_constant_queries(
        lambda n: [
            GroupFactory(school=school).memberships.create(teacher=TeacherFactory(school=school))
            for _ in range(n)
        ],
        lambda: client.get(reverse("orgs:group_list")),
        at_most=10,
    )
    assert len(response.context["page"]) == 50


def test_role_list_costs_a_fixed_number_of_queries(client, school, bureau_admin):
    login(client, bureau_admin)
    assert_constant_queries(
        lambda n: [
            grant(UserFactory(), "school_admin", school=SchoolFactory(zone=school.zone))
            for _ in range(n)
        ],
        lambda: client.get(reverse("orgs:role_list")),
        at_most=14,
    )


def test_school_detail_shows_teachers_groups_honours_and_admins(client, school, school_admin):
    TeacherFactory(school=school, name="王芳")
    GroupFactory(school=school, name="数学教研组")
    SchoolHonourFactory(school=school, kind="practice_base", year=2024)
    body = login(client, school_admin).get(reverse("orgs:school_detail", args=[school.pk]))
    text = body.content.decode()
    expected = ("王芳", "数学教研组", "实践基地学校", "2024", school_admin.full_name)
    assert [s for s in expected if s not in text] == []


def test_transfer_page_moves_the_teacher(client, school, bureau_admin):
    teacher = TeacherFactory(school=school)
    target = SchoolFactory(zone=school.zone)
    login(client, bureau_admin).post(
        reverse("orgs:teacher_transfer", args=[teacher.pk]),
        {"to_school": target.pk, "on": "2026-09-01", "note": "支教"},
    )
    assert TeacherPosting.objects.get(teacher=teacher, end_date__isnull=True).school == target


def test_school_admin_transferring_out_lands_on_the_roster(client, school, school_admin):
    teacher = TeacherFactory(school=school)
    target = SchoolFactory(zone=school.zone)
    response = login(client, school_admin).post(
        reverse("orgs:teacher_transfer", args=[teacher.pk]),
        {"to_school": target.pk, "on": "2026-09-01"},
    )
    assert response["Location"] == reverse("orgs:teacher_list")


def test_teacher_edit_saves_subjects_and_title(client, school, school_admin):
    from yanxiu.orgs.models import Subject

    teacher = TeacherFactory(school=school)
    math = Subject.objects.create(name="数学")
    data = {
        "name": teacher.name,
        "gender": "F",
        "birth_date": "1990-05-01",
        "stage": "primary",
        "subjects": [math.pk],
        "title": "first",
        "teaching_since": 2012,
        "degree": "bachelor",
        "backbone_level": "district",
        "leadership_post": "none",
        "employment": "in_post",
        "phone": "",
    }
    login(client, school_admin).post(reverse("orgs:teacher_edit", args=[teacher.pk]), data)
    teacher.refresh_from_db()
    assert (teacher.title, list(teacher.subjects.all())) == ("first", [math])


def test_deactivate_page_takes_the_teacher_off_the_roster(client, school, school_admin):
    teacher = TeacherFactory(school=school)
    login(client, school_admin).post(
        reverse("orgs:teacher_deactivate", args=[teacher.pk]),
        {"reason": "retired", "on": "2026-08-31"},
    )
    teacher.refresh_from_db()
    assert (teacher.is_active, teacher.departed_on) == (False, datetime.date(2026, 8, 31))


def test_account_page_shows_the_initial_password_once(client, school, school_admin):
    teacher = TeacherFactory(school=school)
    response = login(client, school_admin).post(
        reverse("orgs:teacher_account", args=[teacher.pk]), {"username": "wangfang"}
    )
    teacher.refresh_from_db()
    assert teacher.user.check_password(response.context["password"])


def test_group_page_adds_a_member_of_the_school(client, school, school_admin):
    group = GroupFactory(school=school)
    teacher = TeacherFactory(school=school)
    login(client, school_admin).post(
        reverse("orgs:group_member_add", args=[group.pk]), {"teacher": teacher.pk}
    )
    assert list(group.members.all()) == [teacher]


def test_group_leader_sees_members_on_the_home_page(client, school):
    group = GroupFactory(school=school)
    member = TeacherFactory(school=school, name="组员甲")
    group.memberships.create(teacher=member)
    leader = UserFactory()
    grant(leader, "group_leader", group=group)
    body = login(client, leader).get(reverse("home")).content.decode()
    assert "组员甲" in body


def test_bureau_home_counts_teachers_per_zone_and_stage(client, zone, bureau_admin):
    TeacherFactory.create_batch(3, school=SchoolFactory(zone=zone, stage="junior"))
    response = login(client, bureau_admin).get(reverse("home"))
    assert [r["n"] for r in response.context["stages"]] == [3]


def test_zone_leader_home_lists_the_zone_schools(client, zone, school):
    SchoolFactory(region=zone.region)
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    response = login(client, leader).get(reverse("home"))
    assert response.context["zone_schools"] == [school]


def test_bureau_admin_grants_a_school_admin_on_the_role_page(client, school, bureau_admin):
    user = UserFactory(username="new_principal")
    login(client, bureau_admin).post(
        reverse("orgs:role_list"),
        {"username": "new_principal", "role": Role.SCHOOL_ADMIN, "school": school.pk},
    )
    assert RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_ADMIN, school=school).exists()


def test_school_admin_cannot_grant_a_school_admin_on_the_role_page(client, school, school_admin):
    user = UserFactory(username="intruder")
    login(client, school_admin).post(
        reverse("orgs:role_list"),
        {"username": "intruder", "role": Role.SCHOOL_ADMIN, "school": school.pk},
    )
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_teacher_cannot_open_the_role_page(client, teacher):
    response = login(client, teacher.user).get(reverse("orgs:role_list"))
    assert response.status_code == 403


def test_school_admin_cannot_create_a_school(client, school_admin):
    response = login(client, school_admin).get(reverse("orgs:school_create"))
    assert response.status_code == 403


def test_bureau_admin_creates_a_school(client, zone, bureau_admin):
    login(client, bureau_admin).post(
        reverse("orgs:school_create"),
        {
            "code": "N001",
            "name": "新区实验学校",
            "zone": zone.pk,
            "stage": "nine_year",
            "ownership": "private",
            "kind": "school",
            "address": "",
            "is_active": "on",
        },
    )
    assert zone.schools.filter(name="新区实验学校", ownership="private").exists()


def test_a_bureau_admin_who_is_also_a_teacher_sees_each_zone_once(client, zone, school, teacher):
    SchoolFactory(zone=zone)
    grant(teacher.user, "bureau_admin", region=zone.region)
    response = login(client, teacher.user).get(reverse("orgs:zone_detail", args=[zone.pk]))
    assert response.status_code == 200


def test_school_admin_cannot_revoke_their_own_school_admin_role(client, school, school_admin):
    assignment = RoleAssignment.objects.get(user=school_admin)
    response = login(client, school_admin).post(reverse("orgs:role_revoke", args=[assignment.pk]))
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_school_admin_revokes_a_group_leader_of_their_school(client, school, school_admin):
    group = GroupFactory(school=school)
    assignment = grant(UserFactory(), "group_leader", group=group)
    login(client, school_admin).post(reverse("orgs:role_revoke", args=[assignment.pk]))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_school_admin_creates_a_group_in_their_school(client, school, school_admin):
    login(client, school_admin).post(
        reverse("orgs:group_create"),
        {"name": "英语教研组", "kind": "teaching_research", "school": school.pk},
    )
    assert school.groups.filter(name="英语教研组").exists()


def test_school_admin_cannot_create_a_region_wide_group(client, school, school_admin):
    response = login(client, school_admin).post(
        reverse("orgs:group_create"), {"name": "全区协作组", "kind": "subject_cooperation"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Group.objects.filter(name="全区协作组").exists()


def test_teacher_search_answers_htmx_with_the_rows_only(client, school, school_admin):
    TeacherFactory(school=school, name="周文静")
    response = login(client, school_admin).get(
        reverse("orgs:teacher_list"), {"q": "文静"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "周文静" in body
    assert "<html" not in body


@pytest.mark.parametrize("role", ["bureau_admin", "zone_leader", "school_admin", "group_leader"])
def test_home_page_costs_a_fixed_number_of_queries(client, zone, school, role):
    group = GroupFactory(school=school)
    user = TeacherFactory(school=school, user=UserFactory()).user
    target = {"bureau_admin": {"region": zone.region}, "zone_leader": {"zone": zone}}
    target |= {"school_admin": {"school": school}, "group_leader": {"group": group}}
    grant(user, role, **target[role])
    login(client, user)
    assert_constant_queries(
        lambda n: [
            group.memberships.create(teacher=TeacherFactory(school=SchoolFactory(zone=zone)))
            for _ in range(n)
        ],
        lambda: client.get(reverse("home")),
        at_most=16,
    )


def test_teacher_page_lists_the_platform_roles_of_their_login(
    client, school, teacher, school_admin
):
    group = GroupFactory(school=school, name="语文教研组")
    grant(teacher.user, "group_leader", group=group)
    response = login(client, school_admin).get(reverse("orgs:teacher_detail", args=[teacher.pk]))
    assert [a.group for a in response.context["roles"]] == [group]


def test_role_page_filters_by_role(client, school, bureau_admin, school_admin):
    response = login(client, bureau_admin).get(reverse("orgs:role_list"), {"role": "school_admin"})
    assert [a.user for a in response.context["page"]] == [school_admin]


def test_school_admin_cannot_open_another_school(client, school_admin, other_school):
    response = login(client, school_admin).get(
        reverse("orgs:school_detail", args=[other_school.pk])
    )
    assert response.status_code == 404


def test_school_admin_cannot_edit_their_own_school_record(client, school, school_admin):
    response = login(client, school_admin).get(reverse("orgs:school_edit", args=[school.pk]))
    assert response.status_code == 403


def test_school_admin_cannot_open_another_school_group(client, school_admin, other_school):
    group = GroupFactory(school=other_school)
    response = login(client, school_admin).get(reverse("orgs:group_detail", args=[group.pk]))
    assert response.status_code == 404


def test_school_admin_cannot_deactivate_another_school_teacher(
    client, school_admin, foreign_teacher
):
    login(client, school_admin).post(
        reverse("orgs:teacher_deactivate", args=[foreign_teacher.pk]),
        {"reason": "left", "on": "2026-08-31"},
    )
    foreign_teacher.refresh_from_db()
    assert foreign_teacher.is_active


def test_group_page_costs_a_fixed_number_of_queries(client, school, school_admin):
    group = GroupFactory(school=school)
    login(client, school_admin)
    assert_constant_queries(
        lambda n: [
            group.memberships.create(teacher=TeacherFactory(school=school)) for _ in range(n)
        ],
        lambda: client.get(reverse("orgs:group_detail", args=[group.pk]), {"q": "教师"}),
        at_most=12,
    )


def test_bureau_admin_creates_a_zone(client, zone, bureau_admin):
    login(client, bureau_admin).post(
        reverse("orgs:zone_create"), {"code": "Z99", "name": "滨海学区", "kind": "district"}
    )
    assert zone.region.zones.filter(name="滨海学区", kind="district").exists()


def test_zone_leader_cannot_edit_their_zone(client, zone):
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    response = login(client, leader).get(reverse("orgs:zone_edit", args=[zone.pk]))
    assert response.status_code == 403


def test_bureau_admin_adds_an_honour_with_its_year(client, school, bureau_admin):
    login(client, bureau_admin).post(
        reverse("orgs:honour_add", args=[school.pk]), {"kind": "county_demo", "year": 2025}
    )
    assert list(school.honours.values_list("kind", "year")) == [("county_demo", 2025)]


def test_moving_a_school_on_its_edit_page_moves_its_teachers(client, school, bureau_admin):
    from tests.factories import ZoneFactory

    teacher = TeacherFactory(school=school)
    new_zone = ZoneFactory(region=school.region)
    data = {
        "code": school.code,
        "name": school.name,
        "zone": new_zone.pk,
        "stage": school.stage,
        "ownership": school.ownership,
        "kind": school.kind,
        "address": "",
        "is_active": "on",
    }
    login(client, bureau_admin).post(reverse("orgs:school_edit", args=[school.pk]), data)
    teacher.refresh_from_db()
    assert teacher.org_path == f"{school.region_id}/{new_zone.pk}/{school.pk}/"


def test_group_page_names_a_member_leader(client, school, school_admin):
    group = GroupFactory(school=school)
    member = TeacherFactory(school=school)
    group.memberships.create(teacher=member)
    login(client, school_admin).post(
        reverse("orgs:group_member_change", args=[group.pk, member.pk]), {"action": "leader"}
    )
    group.refresh_from_db()
    assert group.leader == member


def test_group_page_removes_a_member(client, school, school_admin):
    group = GroupFactory(school=school)
    member = TeacherFactory(school=school)
    group.memberships.create(teacher=member)
    login(client, school_admin).post(
        reverse("orgs:group_member_change", args=[group.pk, member.pk]), {"action": "remove"}
    )
    assert not group.members.exists()


def test_zone_page_costs_a_fixed_number_of_queries(client, zone, bureau_admin):
    login(client, bureau_admin)
    response = assert_constant_queries(
        lambda n: [TeacherFactory(school=SchoolFactory(zone=zone)) for _ in range(n)],
        lambda: client.get(reverse("orgs:zone_detail", args=[zone.pk])),
        at_most=10,
    )
    assert len(response.context["schools"]) == 50


def test_teacher_edit_form_shows_the_stored_birth_date(client, school, school_admin):
    teacher = TeacherFactory(school=school)
    body = login(client, school_admin).get(reverse("orgs:teacher_edit", args=[teacher.pk]))
    assert 'value="1985-03-14"' in body.content.decode()


def test_teacher_page_shows_who_changed_the_record(client, school, school_admin):
    teacher = TeacherFactory(school=school)
    login(client, school_admin).post(
        reverse("orgs:teacher_edit", args=[teacher.pk]),
        {
            "name": teacher.name,
            "gender": "M",
            "birth_date": "1985-03-14",
            "stage": "primary",
            "title": "senior",
            "teaching_since": 2010,
            "degree": "bachelor",
            "backbone_level": "none",
            "leadership_post": "none",
            "employment": "in_post",
            "phone": "",
        },
    )
    response = client.get(reverse("orgs:teacher_detail", args=[teacher.pk]))
    latest = response.context["history"][0]
    assert latest.actor == school_admin
    assert "未定级 → 高级教师" in response.content.decode()


def test_teacher_page_costs_a_fixed_number_of_queries(client, school, school_admin):
    teacher = TeacherFactory(school=school, user=UserFactory())

    def groups_and_postings(n: int) -> None:
        for _ in range(n):
            GroupFactory(school=school).memberships.create(teacher=teacher)
            TeacherPosting.objects.create(teacher=teacher, school=school, start_date="2020-09-01")

    login(client, school_admin)
    assert_constant_queries(
        groups_and_postings,
        lambda: client.get(reverse("orgs:teacher_detail", args=[teacher.pk])),
        at_most=16,
    )


def test_school_admin_sees_their_zone_with_only_their_school(client, zone, school, school_admin):
    SchoolFactory(zone=zone)
    login(client, school_admin)
    rows = client.get(reverse("orgs:region")).context["rows"]
    assert [(r.zone, r.schools) for r in rows] == [(zone, 1)]
    response = client.get(reverse("orgs:zone_detail", args=[zone.pk]))
    assert list(response.context["schools"]) == [school]


def test_role_page_offers_a_bureau_admin_only_cross_school_groups(client, school, bureau_admin):
    GroupFactory(school=school)
    cross = GroupFactory(school=None, zone=school.zone, region=school.region)
    response = login(client, bureau_admin).get(reverse("orgs:role_list"))
    assert list(response.context["form"].fields["group"].queryset) == [cross]


def test_role_page_offers_a_school_admin_their_school_groups(client, school, school_admin):
    own = GroupFactory(school=school)
    GroupFactory(school=None, zone=school.zone, region=school.region)
    response = login(client, school_admin).get(reverse("orgs:role_list"))
    assert list(response.context["form"].fields["group"].queryset) == [own]
