"""Uploaded files in chromium: a stored page never runs in the site's origin; the timed
PDF reading unit still shows its PDF (inline PDFs are not sandboxed, Chrome would refuse)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from tests.browser.conftest import log_in
from tests.factories import TeacherFactory, UserFactory
from tests.imports.files import temporary_media  # noqa: F401
from tests.learning.factories import VideoUnitFactory, admit
from tests.projects.factories import SchoolProjectFactory
from tests.security.files import HTML
from yanxiu.learning.models import UnitKind
from yanxiu.projects.models import FilePurpose, ProjectFile, ProjectState

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("temporary_media"),
]

# One page of text, as small as a PDF can be (no xref table: readers rebuild it).
PDF = b"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R
/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 44>>stream
BT /F1 24 Tf 40 70 Td (Kebiao 2022) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
%%EOF
"""


def test_an_uploaded_page_downloads_instead_of_running_in_the_site(page, school, school_admin):
    teachers = [TeacherFactory(school=school) for _ in range(2)]
    project = SchoolProjectFactory(
        school=school,
        created_by=school_admin,
        leader=teachers[0],
        participants=teachers,
        state=ProjectState.IN_PROGRESS,
        evidence_summary="完成四次活动",
    )
    # The form refuses .html; one stored behind its back must still be harmless.
    planted = HTML.replace(b"document.title='pwned'", b"localStorage.setItem('pwned', '1')")
    ProjectFile.objects.create(
        project=project,
        purpose=FilePurpose.EVIDENCE,
        file=ContentFile(planted, name="活动总结.html"),
        uploaded_by=school_admin,
    )

    log_in(page, "school_admin")
    page.goto(f"/projects/{project.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="活动总结.html").click()

    assert download.value.suggested_filename == "活动总结.html"
    assert page.evaluate("localStorage.getItem('pwned')") is None


def test_the_timed_pdf_reading_unit_shows_its_pdf(page):
    teacher = TeacherFactory(user=UserFactory(username="reader"))
    unit = VideoUnitFactory(
        course__region=teacher.region,
        kind=UnitKind.DOCUMENT,
        video="",
        document=ContentFile(PDF, name="课程标准.pdf"),
        duration_seconds=60,
    )
    admit(teacher, unit.course)

    log_in(page, "reader")
    with page.expect_response(f"**/learning/units/{unit.pk}/document/") as served:
        page.goto(f"/learning/units/{unit.pk}/")

    response = served.value
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert "sandbox" not in response.headers.get("content-security-policy", "")
    shown = page.locator("object[type='application/pdf']")
    box = shown.bounding_box()
    assert box is not None
    assert box["height"] > 100
    # Chrome hands the PDF to its viewer, an extension page framed in the object.
    page.wait_for_function(
        "() => document.querySelector(\"object[type='application/pdf']\")"
        ".contentDocument?.contentType === 'application/pdf'"
    )
    assert any(frame.url.startswith("chrome-extension://") for frame in page.frames)
