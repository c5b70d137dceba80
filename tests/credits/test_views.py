"""Credit pages: my credits, the scoped ledger, manual entries, reversals, the policy editor."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.credits.factories import certifier, credit
from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.queries import assert_constant_queries
from yanxiu.credits.models import CreditEntry, Policy
from yanxiu.credits.policy import policy_terms_for
from yanxiu.credits.services import reverse_entry

pytestmark = pytest.mark.django_db

POLICY_FORM = {
    "year": "2026",
    "unit": "credit",
    "total": "48",
    "school_fail_percent": "20",
    "min_centralized": "16",
    "min_online": "8",
    "min_school_based": "24",
    "hpc_centralized": "1",
    "hpc_online": "1",
    "hpc_school_based": "1",
    "excluded_activity_types": ["routine_meeting", "political_study", "recreation"],
    "advanced": "periods: []\ncycle: null\n",
    "note": "",
}


def test_a_teacher_sees_their_progress_and_gaps(client, teacher):
    credit(teacher, 10, category="centralized")
    response = login(client, teacher.user).get(reverse("credits:my_credits") + "?year=2026")
    assert response.status_code == 200
    text = response.content.decode()
    assert "测试登记" in text
    assert "集中培训 6 学分" in text


def test_a_user_without_a_teacher_record_has_no_credit_page(client, bureau_admin):
    assert login(client, bureau_admin).get(reverse("credits:my_credits")).status_code == 404


def test_the_ledger_list_takes_the_same_queries_for_more_entries(client, school_admin, school):
    def entries_and_their_reversals(n: int) -> None:
        for _ in range(n):
            reverse_entry(credit(TeacherFactory(school=school)), by=certifier(), reason="更正")

    login(client, school_admin)
    assert_constant_queries(
        entries_and_their_reversals, lambda: client.get(reverse("credits:entry_list"))
    )


def test_the_warning_page_takes_the_same_queries_for_more_schools(client, bureau_admin, zone):
    login(client, bureau_admin)
    assert_constant_queries(
        lambda n: [TeacherFactory(school=SchoolFactory(zone=zone)) for _ in range(n)],
        lambda: client.get(reverse("credits:warnings") + "?year=2026"),
    )


def test_a_school_admin_sees_only_their_schools_entries(client, school_admin, school, other_school):
    credit(TeacherFactory(school=school, name="本校教师"))
    credit(TeacherFactory(school=other_school, name="外校教师"))
    text = login(client, school_admin).get(reverse("credits:entry_list")).content.decode()
    assert "本校教师" in text
    assert "外校教师" not in text


def test_a_teacher_cannot_open_the_ledger_list(client, teacher):
    assert login(client, teacher.user).get(reverse("credits:entry_list")).status_code == 403


def test_center_staff_certify_a_manual_entry_with_a_reason(client, center_staff, teacher):
    response = login(client, center_staff).post(
        reverse("credits:entry_create"),
        {
            "teacher": teacher.pk,
            "year": 2026,
            "category": "online",
            "amount": "4",
            "unit": "credit",
            "occurred_on": "2026-05-02",
            "activity_type": "",
            "reason": "外出参加省级培训",
        },
    )
    assert response.status_code == 302
    entry = CreditEntry.objects.get()
    assert (entry.amount, entry.certified_by, entry.reason) == (
        Decimal(4),
        center_staff,
        "外出参加省级培训",
    )


def test_a_school_admin_may_not_certify_entries(client, school_admin, teacher):
    response = login(client, school_admin).get(reverse("credits:entry_create"))
    assert response.status_code == 403


def test_a_reversal_needs_a_reason_on_the_page(client, center_staff, teacher):
    entry = credit(teacher)
    url = reverse("credits:entry_reverse", args=[entry.pk])
    response = login(client, center_staff).post(url, {"reason": ""})
    assert response.status_code == 200
    assert CreditEntry.objects.count() == 1


def test_center_staff_reverse_an_entry(client, center_staff, teacher):
    entry = credit(teacher)
    url = reverse("credits:entry_reverse", args=[entry.pk])
    login(client, center_staff).post(url, {"reason": "重复录入"})
    assert CreditEntry.objects.get(reverses=entry).amount == Decimal(-8)


def test_the_bureau_admin_saves_a_new_policy_version(client, bureau_admin, zone):
    form = {**POLICY_FORM, "total": "50", "note": "提高总量"}
    login(client, bureau_admin).post(reverse("credits:policy_edit"), form)
    assert policy_terms_for(zone.region.pk, 2026).total == Decimal(50)
    assert Policy.objects.get().version == 1


def test_the_policy_page_rejects_minimums_above_the_total(client, bureau_admin):
    form = {**POLICY_FORM, "total": "10"}
    response = login(client, bureau_admin).post(reverse("credits:policy_edit"), form)
    assert "超过了年度总量" in response.content.decode()
    assert not Policy.objects.exists()


def test_the_preview_shows_the_effect_of_unsaved_rules(client, bureau_admin, school):
    credit(TeacherFactory(school=school), 48, category="school_based")
    form = {**POLICY_FORM, "min_centralized": "", "min_online": ""}
    response = login(client, bureau_admin).post(reverse("credits:policy_preview"), form)
    assert response.context["current"].teachers_passed == 0
    assert response.context["proposed"].teachers_passed == 1
    assert not Policy.objects.exists()


def test_only_the_bureau_admin_edits_the_policy(client, school_admin):
    assert login(client, school_admin).get(reverse("credits:policy_edit")).status_code == 403


def test_a_bureau_admin_sets_only_their_own_regions_policy_whatever_else_they_hold(client):
    elsewhere = SchoolFactory()  # created first: the lower region id
    home = SchoolFactory()
    user = UserFactory()
    grant(user, "school_admin", school=elsewhere)
    grant(user, "bureau_admin", region=home.region)
    assert not user.has_perm("credits.change_policy", elsewhere.region)
    assert user.has_perm("credits.change_policy", home.region)
    login(client, user).post(reverse("credits:policy_edit"), {**POLICY_FORM, "total": "50"})
    assert Policy.objects.get().region == home.region


def test_the_warning_page_lists_teachers_behind_their_pace(client, bureau_admin, school):
    TeacherFactory(school=school, name="落后教师")
    response = login(client, bureau_admin).get(reverse("credits:warnings") + "?year=2026")
    assert "落后教师" in response.content.decode()


def test_the_ledger_list_filters_by_group(client, bureau_admin, school):
    from tests.factories import GroupFactory
    from yanxiu.orgs.models import GroupMembership

    group = GroupFactory(school=school)
    member, other = TeacherFactory(school=school), TeacherFactory(school=school)
    GroupMembership.objects.create(group=group, teacher=member)
    credit(member)
    credit(other)
    response = login(client, bureau_admin).get(reverse("credits:entry_list") + f"?group={group.pk}")
    assert [e.teacher_id for e in response.context["page"]] == [member.pk]
