"""Activity materials and evidence files are kept in default storage."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.imports.files import table_file, temporary_media  # noqa: F401
from tests.projects.factories import ProjectActivityFactory
from tests.security.files import PDF, docx
from yanxiu.imports.models import ImportJob
from yanxiu.projects.models import FilePurpose, ProjectState

pytestmark = pytest.mark.usefixtures("temporary_media")


@pytest.fixture
def activity(project, staff):
    project.state = ProjectState.IN_PROGRESS
    project.save()
    activity = ProjectActivityFactory(project=project)
    activity.attendance.create(teacher=staff[0])
    return activity


def test_materials_uploaded_on_the_activity_page_are_kept(client, activity, school_admin):
    content = docx()
    upload = SimpleUploadedFile("教学设计.docx", content)
    login(client, school_admin).post(
        reverse("projects:activity", args=[activity.pk]), {"upload": "1", "materials": upload}
    )
    kept = activity.files.get()
    assert (kept.name, kept.purpose, kept.file.read()) == (
        "教学设计.docx",
        FilePurpose.MATERIAL,
        content,
    )


def test_evidence_files_come_with_the_summary(client, activity, school_admin):
    project = activity.project
    upload = SimpleUploadedFile("案例集.pdf", PDF)
    login(client, school_admin).post(
        reverse("projects:evidence", args=[project.pk]),
        {"summary": "完成四次活动", "evidence_files": upload},
    )
    project.refresh_from_db()
    assert project.state == ProjectState.EVIDENCE_SUBMITTED
    assert project.files.get(purpose=FilePurpose.EVIDENCE).name == "案例集.pdf"


def test_an_xlsx_sign_in_sheet_is_read(client, activity, school_admin, staff):
    sheet = table_file(["姓名", "出勤"], [[staff[0].name, "√"]], name="签到表")
    login(client, school_admin).post(
        reverse("projects:activity", args=[activity.pk]), {"import": "1", "sheet": sheet}
    )
    job = ImportJob.objects.get()
    client.post(reverse("projects:sheet_commit", args=[activity.pk, job.pk]))
    assert activity.attendance.get(teacher=staff[0]).attended
