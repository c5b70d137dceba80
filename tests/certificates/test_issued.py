"""The list of issued documents for managers, and withdrawing one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.credits.factories import credit
from tests.factories import SchoolFactory, TeacherFactory, UserFactory
from tests.queries import assert_constant_queries
from yanxiu.certificates.models import DocumentKind, IssuedDocument
from yanxiu.certificates.services import issue_document

pytestmark = pytest.mark.django_db


def issued_for(teacher) -> IssuedDocument:
    credit(teacher, 8)
    return issue_document(
        teacher=teacher, year=2026, kind=DocumentKind.TRANSCRIPT, by=UserFactory()
    )


def test_a_school_admin_lists_only_the_schools_documents(client, school_admin, teacher):
    mine = issued_for(teacher)
    issued_for(TeacherFactory(school=SchoolFactory()))
    response = login(client, school_admin).get(reverse("certificates:issued"))
    assert [d.pk for d in response.context["page"]] == [mine.pk]
    assert response.context["can_revoke"] is False


def test_a_code_typed_in_the_search_finds_its_document(client, bureau_admin, teacher, school):
    wanted = issued_for(teacher)
    issued_for(TeacherFactory(school=school))
    response = login(client, bureau_admin).get(
        reverse("certificates:issued"), {"q": wanted.display_code.lower()}
    )
    assert [d.pk for d in response.context["page"]] == [wanted.pk]


def test_the_bureau_revokes_a_document_and_its_code_stops_verifying(client, bureau_admin, teacher):
    document = issued_for(teacher)
    login(client, bureau_admin).post(
        reverse("certificates:revoke", args=[document.pk]), {"reason": "学时有误"}
    )
    document.refresh_from_db()
    assert (document.revoked, document.revoked_reason) == (True, "学时有误")
    client.logout()
    assert client.get(reverse("certificates:verify", args=[document.code])).status_code == 404


def test_a_school_admin_cannot_revoke(client, school_admin, teacher):
    document = issued_for(teacher)
    response = login(client, school_admin).post(
        reverse("certificates:revoke", args=[document.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.revoked is False


def test_revoking_without_a_reason_changes_nothing(client, bureau_admin, teacher):
    document = issued_for(teacher)
    login(client, bureau_admin).post(reverse("certificates:revoke", args=[document.pk]), {})
    document.refresh_from_db()
    assert document.revoked is False


def test_a_teacher_cannot_open_the_list(client, teacher):
    assert login(client, teacher.user).get(reverse("certificates:issued")).status_code == 403


def test_the_list_takes_the_same_queries_for_more_documents(client, bureau_admin, school):
    login(client, bureau_admin)
    assert_constant_queries(
        lambda n: [issued_for(TeacherFactory(school=school)) for _ in range(n)],
        lambda: client.get(reverse("certificates:issued")),
        at_most=8,
    )


def test_a_superuser_reads_issued_documents_in_the_admin(client, teacher):
    document = issued_for(teacher)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = login(client, admin).get("/admin/certificates/issueddocument/")
    assert document.code in response.content.decode()
