import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import GroupFactory, SchoolFactory, TeacherFactory, UserFactory, grant
from yanxiu.orgs.models import TeacherPosting
from yanxiu.orgs.services import transfer_teacher

ON = datetime.date(2026, 9, 1)


def test_transfer_moves_the_teacher_and_their_org_path(school, bureau_admin):
    teacher = TeacherFactory(school=school)
    target = SchoolFactory(zone=school.zone)
    transfer_teacher(teacher, target, on=ON, by=bureau_admin)
    teacher.refresh_from_db()
    assert (teacher.school, teacher.org_path) == (target, target.org_path)


def test_transfer_keeps_both_schools_in_the_history(school, bureau_admin):
    teacher = TeacherFactory(school=school)
    target = SchoolFactory(zone=school.zone)
    transfer_teacher(teacher, target, on=ON, by=bureau_admin, note="交流轮岗")
    history = list(
        TeacherPosting.objects.filter(teacher=teacher)
        .order_by("start_date", "pk")
        .values_list("school_id", "end_date")
    )
    assert history == [(school.pk, ON), (target.pk, None)]


def test_transfer_closes_the_open_posting_on_the_date(school, bureau_admin):
    teacher = TeacherFactory(school=school)
    TeacherPosting.objects.create(
        teacher=teacher, school=school, start_date=datetime.date(2015, 9, 1)
    )
    transfer_teacher(teacher, SchoolFactory(zone=school.zone), on=ON, by=bureau_admin)
    assert TeacherPosting.objects.filter(teacher=teacher, end_date__isnull=True).count() == 1
    assert TeacherPosting.objects.get(teacher=teacher, school=school).end_date == ON


def test_transfer_ends_memberships_of_the_old_school_groups_only(school, bureau_admin):
    teacher = TeacherFactory(school=school)
    own_group = GroupFactory(school=school)
    cross = GroupFactory(school=None, region=school.region)
    own_group.memberships.create(teacher=teacher)
    cross.memberships.create(teacher=teacher)
    transfer_teacher(teacher, SchoolFactory(zone=school.zone), on=ON, by=bureau_admin)
    assert list(teacher.member_groups.all()) == [cross]


def test_transfer_to_the_same_school_is_refused(school, bureau_admin):
    teacher = TeacherFactory(school=school)
    with pytest.raises(ValidationError):
        transfer_teacher(teacher, school, on=ON, by=bureau_admin)


def test_credits_move_with_the_teacher_to_the_new_school(school, bureau_admin):
    from decimal import Decimal

    from yanxiu.credits.models import CreditEntry
    from yanxiu.credits.services import post_credit

    teacher = TeacherFactory(school=school)
    post_credit(
        teacher=teacher,
        year=2026,
        category="centralized",
        amount=Decimal("8"),
        unit="credit",
        source=None,
        certified_by=bureau_admin,
        occurred_on=datetime.date(2026, 3, 1),
        reason="暑期集中培训",
    )
    target = SchoolFactory(zone=school.zone)
    old_admin, new_admin = UserFactory(), UserFactory()
    grant(old_admin, "school_admin", school=school)
    grant(new_admin, "school_admin", school=target)
    transfer_teacher(teacher, target, on=ON, by=bureau_admin)
    assert CreditEntry.objects.visible_to(new_admin).filter(teacher=teacher).count() == 1
    assert not CreditEntry.objects.visible_to(old_admin).exists()


def test_roles_over_the_old_school_end_with_the_transfer(school, bureau_admin):
    teacher = TeacherFactory(school=school, user=UserFactory())
    grant(teacher.user, "school_admin", school=school)
    grant(teacher.user, "group_leader", group=GroupFactory(school=school))
    grant(teacher.user, "expert", region=school.region)
    transfer_teacher(teacher, SchoolFactory(zone=school.zone), on=ON, by=bureau_admin)
    assert list(teacher.user.role_assignments.values_list("role", flat=True)) == ["expert"]


def test_a_teacher_who_left_cannot_be_transferred(school, bureau_admin):
    teacher = TeacherFactory(school=school, is_active=False)
    with pytest.raises(ValidationError):
        transfer_teacher(teacher, SchoolFactory(zone=school.zone), on=ON, by=bureau_admin)
