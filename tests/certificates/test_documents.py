"""Downloading transcripts and certificates as PDF: who may, what is recorded, what it says."""

from __future__ import annotations

import contextlib
import re
import zlib

import pytest
from django.urls import reverse

from tests.certificates.factories import pass_the_year
from tests.conftest import login
from tests.credits.factories import credit
from tests.factories import SchoolFactory, TeacherFactory
from yanxiu.certificates.models import DocumentKind, IssuedDocument
from yanxiu.orgs import idnumbers

pytestmark = pytest.mark.django_db


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, so font names can be searched."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"".join(parts)


def download_url(teacher, kind=DocumentKind.TRANSCRIPT, year=2026):
    return reverse("certificates:download", args=[teacher.pk, year, kind])


def test_a_teacher_downloads_their_transcript_as_pdf(client, teacher):
    credit(teacher, 8)
    response = login(client, teacher.user).get(download_url(teacher))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert IssuedDocument.objects.filter(teacher=teacher, kind="transcript").count() == 1


def test_the_pdf_embeds_a_chinese_font(client, teacher):
    credit(teacher, 8)
    response = login(client, teacher.user).get(download_url(teacher))
    assert b"NotoSansCJK" in pdf_objects(response.content)


def test_the_recorded_transcript_states_the_years_totals(client, teacher):
    credit(teacher, 8, category="centralized")
    credit(teacher, 3, category="online")
    login(client, teacher.user).get(download_url(teacher))
    facts = IssuedDocument.objects.get(teacher=teacher).content
    earned = {row["label"]: row["earned"] for row in facts["categories"]}
    assert earned == {"集中培训": "8.00", "网络培训": "3.00", "校本研训": "0.00"}
    assert facts["id_masked"] == idnumbers.area_prefix(teacher.id_number_masked)


def test_downloading_twice_without_new_credits_keeps_the_same_code(client, teacher):
    credit(teacher, 8)
    login(client, teacher.user)
    client.get(download_url(teacher))
    client.get(download_url(teacher))
    assert IssuedDocument.objects.filter(teacher=teacher).count() == 1


def test_a_new_credit_gives_a_new_transcript_with_a_new_code(client, teacher):
    credit(teacher, 8)
    login(client, teacher.user).get(download_url(teacher))
    credit(teacher, 2, category="online")
    client.get(download_url(teacher))
    codes = set(IssuedDocument.objects.filter(teacher=teacher).values_list("code", flat=True))
    assert len(codes) == 2


def test_a_teacher_who_passed_gets_a_certificate(client, teacher):
    pass_the_year(teacher)
    response = login(client, teacher.user).get(download_url(teacher, DocumentKind.CERTIFICATE))
    assert response.status_code == 200
    assert IssuedDocument.objects.get(teacher=teacher).content["passed"] is True


def test_a_certificate_is_refused_to_a_teacher_who_has_not_passed(client, teacher):
    credit(teacher, 8)
    response = login(client, teacher.user).get(download_url(teacher, DocumentKind.CERTIFICATE))
    assert response.status_code == 409
    assert "尚未达标" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_a_teacher_cannot_download_another_teachers_transcript(client, teacher):
    other = TeacherFactory(school=teacher.school)
    response = login(client, teacher.user).get(download_url(other))
    assert response.status_code == 404


def test_a_school_admin_downloads_a_transcript_for_a_teacher_of_the_school(
    client, school_admin, teacher
):
    credit(teacher, 8)
    response = login(client, school_admin).get(download_url(teacher))
    assert response.status_code == 200
    assert IssuedDocument.objects.get(teacher=teacher).issued_by == school_admin


def test_a_school_admin_cannot_download_for_another_schools_teacher(client, school_admin):
    stranger = TeacherFactory(school=SchoolFactory())
    response = login(client, school_admin).get(download_url(stranger))
    assert response.status_code == 404


def test_an_unknown_document_kind_is_not_found(client, teacher):
    response = login(client, teacher.user).get(download_url(teacher, "diploma"))
    assert response.status_code == 404


def test_the_teachers_page_lists_issued_documents_with_their_codes(client, teacher):
    credit(teacher, 8)
    login(client, teacher.user).get(download_url(teacher))
    document = IssuedDocument.objects.get()
    response = client.get(reverse("certificates:mine"))
    assert document.display_code in response.content.decode()


def test_a_school_admin_downloads_the_certificates_of_teachers_who_passed_as_a_zip(
    client, school_admin, teacher, school
):
    pass_the_year(teacher)
    TeacherFactory(school=school)
    response = login(client, school_admin).get(
        reverse("certificates:school_zip", args=[school.pk, 2026])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert list(IssuedDocument.objects.values_list("teacher", flat=True)) == [teacher.pk]


def test_a_teacher_cannot_download_their_schools_certificates(client, teacher, school):
    response = login(client, teacher.user).get(
        reverse("certificates:school_zip", args=[school.pk, 2026])
    )
    assert response.status_code == 403


def test_the_school_report_links_to_the_schools_certificates(client, school_admin, school):
    response = login(client, school_admin).get(
        reverse("credit_reports:school", args=[school.pk]), {"year": 2026}
    )
    assert reverse("certificates:school_zip", args=[school.pk, 2026]) in response.content.decode()


def test_the_teachers_page_offers_a_certificate_only_for_a_year_passed(client, teacher):
    pass_the_year(teacher, 2026)
    page = login(client, teacher.user).get(reverse("certificates:mine")).content.decode()
    assert download_url(teacher, DocumentKind.CERTIFICATE, 2026) in page
    assert download_url(teacher, DocumentKind.CERTIFICATE, 2025) not in page
    assert download_url(teacher, DocumentKind.TRANSCRIPT, 2025) in page
