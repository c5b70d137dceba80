"""The public verification page: anyone can check a code; altered or revoked ones fail."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.credits.factories import credit
from tests.factories import UserFactory
from yanxiu.certificates.models import DocumentKind, IssuedDocument
from yanxiu.certificates.services import (
    CODE_LENGTH,
    DocumentRefused,
    issue_document,
    new_code,
    normalize_code,
    revoke_document,
)
from yanxiu.orgs import idnumbers

pytestmark = pytest.mark.django_db

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@pytest.fixture
def document(teacher) -> IssuedDocument:
    credit(teacher, 8)
    return issue_document(
        teacher=teacher, year=2026, kind=DocumentKind.TRANSCRIPT, by=UserFactory()
    )


def verify(client, code):
    return client.get(reverse("certificates:verify", args=[code]))


def test_a_valid_code_shows_the_documents_facts_without_logging_in(client, document, teacher):
    response = verify(client, document.code)
    page = response.content.decode()
    assert response.status_code == 200
    assert teacher.name in page
    assert idnumbers.area_prefix(teacher.id_number_masked) in page
    assert "8.00" in page


def test_a_code_with_one_character_changed_is_not_valid(client, document):
    last = document.code[-1]
    tampered = document.code[:-1] + ("A" if last != "A" else "B")
    response = verify(client, tampered)
    assert response.status_code == 404
    assert "无效的验证码" in response.content.decode()


def test_a_revoked_document_is_not_valid(client, document):
    revoke_document(document, reason="数据有误")
    assert verify(client, document.code).status_code == 404


def test_a_document_whose_stored_facts_were_edited_is_not_valid(client, document):
    forged = {**document.content, "total": "99.00"}
    IssuedDocument.objects.filter(pk=document.pk).update(content=forged)
    assert verify(client, document.code).status_code == 404


def test_the_printed_form_of_a_code_verifies(client, document):
    response = verify(client, document.display_code.lower())
    assert response.status_code == 200


def test_a_zero_typed_for_the_letter_o_still_finds_the_code():
    assert normalize_code("r0xn-o3jt-xr0j-f3fy") == "ROXNO3JTXROJF3FY"


def test_the_form_sends_a_typed_code_to_its_page(client, document):
    typed = " " + document.display_code.lower() + " "
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[document.code])


def test_the_form_says_when_a_code_cannot_be_one(client):
    response = client.get(reverse("certificates:verify_form"), {"code": "12345"})
    assert "无效的验证码" in response.content.decode()


def test_revoking_needs_a_reason(document):
    with pytest.raises(DocumentRefused, match="原因"):
        revoke_document(document, reason=" ")


def test_new_codes_are_sixteen_base32_characters_and_do_not_repeat():
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(len(c) == CODE_LENGTH and normalize_code(c) == c for c in codes)


@given(st.text(max_size=40))
def test_anything_typed_normalizes_to_a_well_formed_code_or_to_nothing(typed):
    code = normalize_code(typed)
    assert code is None or (len(code) == CODE_LENGTH and set(code) <= set(BASE32))


def test_a_document_replaced_by_a_newer_one_says_so_with_the_newer_code(client, document, teacher):
    credit(teacher, 4, category="online")
    newer = issue_document(
        teacher=teacher, year=2026, kind=DocumentKind.TRANSCRIPT, by=UserFactory()
    )
    old_page = verify(client, document.code).content.decode()
    assert "已被新证书取代" in old_page
    assert newer.display_code in old_page
    new_page = verify(client, newer.code).content.decode()
    assert "已被新证书取代" not in new_page
    assert 'data-verdict="valid"' in new_page
