"""The organization API answers exactly what the pages show: scoped reads, guarded changes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    GroupFactory,
    SchoolFactory,
    TeacherFactory,
    ZoneFactory,
)
from tests.queries import assert_constant_queries
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Subject, Teacher, TeacherPosting

pytestmark = pytest.mark.django_db

TEACHERS = "/api/orgs/teachers"


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def test_a_school_admin_lists_only_their_schools_teachers(
    api_as, school_admin, school, other_school
):
    own = TeacherFactory(school=school)
    TeacherFactory(school=other_school)

    response = api_as(school_admin).get(TEACHERS)

    assert ids(response) == {own.pk}
    assert response.json()["count"] == 1


def test_a_school_admin_cannot_read_another_schools_teacher(api_as, school_admin, other_school):
    stranger = TeacherFactory(school=other_school)

    response = api_as(school_admin).get(f"{TEACHERS}/{stranger.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到，或无权查看"}


def test_a_school_admin_cannot_alter_another_schools_teacher(api_as, school_admin, other_school):
    stranger = TeacherFactory(school=other_school, phone="")

    response = api_as(school_admin).patch(f"{TEACHERS}/{stranger.pk}", {"phone": "13900000000"})

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.phone == ""


def test_a_school_admin_edits_their_own_schools_teacher(api_as, school_admin, school):
    own = TeacherFactory(school=school)
    chinese = Subject.objects.create(name="语文")

    response = api_as(school_admin).patch(
        f"{TEACHERS}/{own.pk}",
        {"title": "first", "subjects": [chinese.pk], "is_homeroom_teacher": True},
    )

    assert response.status_code == 200
    assert response.json()["title_label"] == "一级教师"
    own.refresh_from_db()
    assert own.title == "first"
    assert own.is_homeroom_teacher
    assert list(own.subjects.values_list("name", flat=True)) == ["语文"]


def test_a_teacher_sees_only_their_own_record(api_as, teacher, school):
    TeacherFactory(school=school)

    response = api_as(teacher.user).get(TEACHERS)

    assert ids(response) == {teacher.pk}


def test_a_teacher_may_read_but_not_change_their_own_record(api_as, teacher):
    client = api_as(teacher.user)

    assert client.get(f"{TEACHERS}/{teacher.pk}").status_code == 200
    response = client.patch(f"{TEACHERS}/{teacher.pk}", {"title": "senior"})

    assert response.status_code == 403
    assert response.json() == {"detail": "没有权限执行此操作"}


def test_a_zone_leader_sees_exactly_the_zones_schools(api_as, zone_leader, zone, school):
    second = SchoolFactory(zone=zone)
    SchoolFactory(zone=ZoneFactory(region=zone.region))

    response = api_as(zone_leader).get("/api/orgs/schools")

    assert ids(response) == {school.pk, second.pk}


def test_a_zone_leader_sees_only_their_zone(api_as, zone_leader, zone):
    ZoneFactory(region=zone.region)

    response = api_as(zone_leader).get("/api/orgs/zones")

    assert ids(response) == {zone.pk}


def test_a_zone_leader_reads_but_may_not_change_the_zones_teachers(api_as, zone_leader, school):
    member = TeacherFactory(school=school)

    response = api_as(zone_leader).patch(f"{TEACHERS}/{member.pk}", {"title": "senior"})

    assert response.status_code == 403


def test_a_school_outside_the_scope_is_not_found(api_as, school_admin, other_school):
    response = api_as(school_admin).get(f"/api/orgs/schools/{other_school.pk}")

    assert response.status_code == 404


def test_the_school_detail_counts_active_teachers(api_as, school_admin, school):
    TeacherFactory.create_batch(2, school=school)
    TeacherFactory(school=school, is_active=False)

    response = api_as(school_admin).get(f"/api/orgs/schools/{school.pk}")

    assert response.json()["teacher_count"] == 2


def test_schools_filter_by_stage(api_as, bureau_admin, zone, school):
    junior = SchoolFactory(zone=zone, stage="junior")

    response = api_as(bureau_admin).get("/api/orgs/schools", {"stage": "junior"})

    assert ids(response) == {junior.pk}


def test_the_id_number_is_never_sent_in_clear(api_as, bureau_admin, school):
    number = idnumbers.compose("330302", datetime.date(1990, 1, 2), 7)
    own = TeacherFactory(school=school, id_number=number)
    client = api_as(bureau_admin)

    listed = client.get(TEACHERS).content.decode()
    detail = client.get(f"{TEACHERS}/{own.pk}")

    assert number not in listed
    assert number not in detail.content.decode()
    assert detail.json()["id_number_masked"] == idnumbers.mask(number)


def test_young_teachers_have_taught_five_years_or_less(api_as, bureau_admin, school):
    year = timezone.localdate().year
    young = TeacherFactory(school=school, teaching_since=year - 5)
    TeacherFactory(school=school, teaching_since=year - 6)

    response = api_as(bureau_admin).get(TEACHERS, {"young": "true"})

    assert ids(response) == {young.pk}
    assert response.json()["items"][0]["is_young"] is True


def test_teachers_filter_by_name_and_subject(api_as, bureau_admin, school):
    maths = Subject.objects.create(name="数学")
    wanted = TeacherFactory(school=school, name="王小明")
    wanted.subjects.add(maths)
    TeacherFactory(school=school, name="王大明")
    TeacherFactory(school=school, name="李小明").subjects.add(maths)

    response = api_as(bureau_admin).get(TEACHERS, {"name": "王", "subject": maths.pk})

    assert ids(response) == {wanted.pk}


def test_the_teacher_list_is_paginated(api_as, bureau_admin, school):
    TeacherFactory.create_batch(3, school=school)

    response = api_as(bureau_admin).get(TEACHERS, {"page": 2, "page_size": 2})

    assert response.json()["count"] == 3
    assert len(response.json()["items"]) == 1


def test_the_teacher_list_takes_a_fixed_number_of_queries(api_as, bureau_admin, school):
    maths = Subject.objects.create(name="数学")
    client = api_as(bureau_admin)

    # token, last-used update, scope (roles, own record), count, page, subjects; the warm-up
    # request stamps the token's last use, which the next ones within a minute do not.
    response = assert_constant_queries(
        lambda n: [
            teacher.subjects.add(maths) for teacher in TeacherFactory.create_batch(n, school=school)
        ],
        lambda: client.get(TEACHERS),
        at_most=8,
        warm_up=True,
    )

    assert len(response.json()["items"]) == 50


def test_groups_are_scoped_to_the_school(api_as, school_admin, school, other_school):
    own = GroupFactory(school=school)
    GroupFactory(school=other_school)

    response = api_as(school_admin).get("/api/orgs/groups")

    assert ids(response) == {own.pk}


def test_me_describes_the_callers_roles_and_scope(api_as, school_admin, school):
    TeacherFactory.create_batch(2, school=school)

    body = api_as(school_admin).get("/api/orgs/me").json()

    assert body["roles"] == ["school_admin"]
    assert body["assignments"][0]["school_id"] == school.pk
    assert body["assignments"][0]["label"] == "学校管理员"
    assert body["summary"]["schools"] == 1
    assert body["summary"]["teachers"] == 2


def test_invalid_edits_are_explained_in_chinese(api_as, school_admin, school):
    own = TeacherFactory(school=school)

    response = api_as(school_admin).patch(f"{TEACHERS}/{own.pk}", {"title": "boss", "name": ""})

    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("数据有误")
    assert {e["field"] for e in body["errors"]} == {"title", "name"}
    assert "长度不能少于 1" in body["detail"]


def test_a_null_is_refused_rather_than_stored(api_as, school_admin, school):
    own = TeacherFactory(school=school)

    response = api_as(school_admin).patch(f"{TEACHERS}/{own.pk}", {"title": None})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "title", "message": "不能为空"}]


def test_the_school_cannot_be_changed_by_an_edit(api_as, bureau_admin, school, other_school):
    own = TeacherFactory(school=school)

    response = api_as(bureau_admin).patch(f"{TEACHERS}/{own.pk}", {"school": other_school.pk})

    assert response.status_code == 422
    assert Teacher.objects.get(pk=own.pk).school == school


def test_unknown_subjects_are_refused(api_as, school_admin, school):
    own = TeacherFactory(school=school)

    response = api_as(school_admin).patch(f"{TEACHERS}/{own.pk}", {"subjects": [987654]})

    assert response.status_code == 422
    assert response.json()["detail"] == "subjects：学科不存在"


def test_a_bureau_admin_transfers_a_teacher_and_the_history_is_kept(
    api_as, bureau_admin, school, zone
):
    mover = TeacherFactory(school=school)
    target = SchoolFactory(zone=zone)

    response = api_as(bureau_admin).post(
        f"{TEACHERS}/{mover.pk}/transfer",
        {"to_school": target.pk, "on": "2026-09-01", "note": "交流轮岗"},
    )

    assert response.status_code == 200
    assert response.json()["school_id"] == target.pk
    postings = TeacherPosting.objects.filter(teacher=mover).order_by("start_date")
    assert [(p.school_id, p.end_date) for p in postings] == [
        (school.pk, datetime.date(2026, 9, 1)),
        (target.pk, None),
    ]


def test_a_school_admin_cannot_transfer_into_a_school_they_cannot_see(
    api_as, school_admin, school, other_school
):
    mover = TeacherFactory(school=school)

    response = api_as(school_admin).post(
        f"{TEACHERS}/{mover.pk}/transfer", {"to_school": other_school.pk, "on": "2026-09-01"}
    )

    assert response.status_code == 422
    assert Teacher.objects.get(pk=mover.pk).school == school


def test_a_teacher_outside_the_scope_cannot_be_transferred(
    api_as, school_admin, school, other_school
):
    stranger = TeacherFactory(school=other_school)

    response = api_as(school_admin).post(
        f"{TEACHERS}/{stranger.pk}/transfer", {"to_school": school.pk, "on": "2026-09-01"}
    )

    assert response.status_code == 404


def test_a_roster_manager_takes_a_retiring_teacher_off_the_roster(api_as, school_admin, school):
    leaving = TeacherFactory(school=school)

    response = api_as(school_admin).post(
        f"{TEACHERS}/{leaving.pk}/deactivate", {"reason": "retired", "on": "2026-07-01"}
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["departure"] == "retired"


def test_a_teacher_already_off_the_roster_cannot_leave_twice(api_as, school_admin, school):
    leaving = TeacherFactory(school=school, is_active=False)

    response = api_as(school_admin).post(
        f"{TEACHERS}/{leaving.pk}/deactivate", {"reason": "left", "on": "2026-07-01"}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "该教师已离岗"


def test_subjects_are_listed_for_filters_and_edits(api_as, teacher):
    Subject.objects.create(name="数学", sort_order=2)
    Subject.objects.create(name="语文", sort_order=1)

    response = api_as(teacher.user).get("/api/orgs/subjects")

    assert [s["name"] for s in response.json()] == ["语文", "数学"]
