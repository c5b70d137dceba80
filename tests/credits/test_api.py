"""The credits API: the same figures and the same scoping as the pages."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.credits.factories import certifier, credit, full_year
from tests.factories import TeacherFactory
from yanxiu.credits.services import reverse_entry

pytestmark = pytest.mark.django_db


def test_the_entries_list_is_scoped_to_the_callers_school(
    client, school_admin, school, other_school
):
    credit(TeacherFactory(school=school))
    credit(TeacherFactory(school=other_school))
    body = login(client, school_admin).get("/api/credits/entries?year=2026").json()
    assert body["count"] == 1


def test_an_entry_shows_whether_it_was_reversed(client, school_admin, school):
    entry = credit(TeacherFactory(school=school))
    reverse_entry(entry, by=certifier(), reason="错")
    items = (
        login(client, school_admin).get(f"/api/credits/entries?teacher={entry.teacher_id}").json()
    )
    assert {(i["id"], i["reversed"]) for i in items["items"]} == {
        (entry.pk, True),
        (entry.pk + 1, False),
    }


def test_a_teacher_reads_their_own_status(client, teacher):
    credit(teacher, 16)
    body = (
        login(client, teacher.user)
        .get(f"/api/credits/teachers/{teacher.pk}/status?year=2026")
        .json()
    )
    assert body["passed"] is False
    assert {line["category"]: line["gap"] for line in body["lines"]}["centralized"] == "0.00"


def test_a_teacher_cannot_read_a_colleagues_status(client, teacher, school):
    other = TeacherFactory(school=school)
    response = login(client, teacher.user).get(f"/api/credits/teachers/{other.pk}/status")
    assert response.status_code == 404


def test_school_compliance_matches_the_selector(client, school_admin, school):
    full_year(TeacherFactory(school=school))
    TeacherFactory(school=school)
    body = (
        login(client, school_admin)
        .get(f"/api/credits/schools/{school.pk}/compliance?year=2026")
        .json()
    )
    assert (body["teachers"], body["failed"], body["failing"]) == (2, 1, True)


def test_another_schools_compliance_is_not_found(client, school_admin, other_school):
    response = login(client, school_admin).get(f"/api/credits/schools/{other_school.pk}/compliance")
    assert response.status_code == 404


def test_region_compliance_counts_failing_schools(client, bureau_admin, school):
    TeacherFactory(school=school)
    body = login(client, bureau_admin).get("/api/credits/compliance?year=2026&level=region").json()
    assert (body[0]["schools"], body[0]["failing_schools"]) == (1, 1)


def test_a_teacher_may_not_read_region_compliance(client, teacher):
    assert login(client, teacher.user).get("/api/credits/compliance").status_code == 403


def test_the_policy_in_force_is_readable(client, teacher):
    body = login(client, teacher.user).get("/api/credits/policy?year=2026").json()
    assert body["document"]["annual"]["minimums"] == {
        "centralized": 16,
        "online": 8,
        "school_based": 24,
    }
