"""Issue 9, findings 1 and 2 (uploads): private keys, scoped serving, type allow-lists,
safe headers, byte ranges, retention of import files and the quarantine of videos."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.imports.files import table_bytes, table_file, temporary_media  # noqa: F401
from tests.learning.factories import VideoUnitFactory, admit
from tests.projects.factories import ProjectActivityFactory, SchoolProjectFactory
from tests.security.files import HEIC, HTML, MOV, PDF, PNG, SVG, docx
from yanxiu.core.uploads_quarantine import release_upload
from yanxiu.credit_imports.importer import CreditImport
from yanxiu.imports.engine import preview_import
from yanxiu.imports.models import ImportJob
from yanxiu.learning.models import CourseUnit, UnitKind
from yanxiu.orgs.models import School, Teacher, User
from yanxiu.projects.models import FilePurpose, ProjectFile, ProjectState, SchoolProject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]

ROSTER = table_bytes(["姓名", "身份证号"], [["张三", "330302199001020071"]])
RANDOM_KEY = r"[A-Za-z0-9_-]{32}"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# Personas beyond the root conftest's


@pytest.fixture
def other_region_admin(db: None) -> User:
    user = UserFactory(username="other_region_admin")
    grant(user, "bureau_admin", region=SchoolFactory().region)
    return user


@pytest.fixture
def other_school_admin(school: School) -> User:
    user = UserFactory(username="other_school_admin")
    grant(user, "school_admin", school=SchoolFactory(zone=school.zone))
    return user


# Import files: the finding's repro, keys, and who reads them


@pytest.fixture
def roster_upload(bureau_admin: User) -> ImportJob:
    """The bureau admin re-uploads the roster export for the usual edit-and-reimport."""
    upload = SimpleUploadedFile("教师名册.xlsx", ROSTER)
    as_user(bureau_admin).post(reverse("roster:import"), {"file": upload})
    return ImportJob.objects.get()


def test_a_teacher_cannot_read_the_roster_file_a_bureau_admin_uploaded(
    roster_upload: ImportJob, teacher: Teacher
):
    assert teacher.user is not None
    reader = as_user(teacher.user)
    guessed = f"/media/imports/{timezone.localdate():%Y/%m}/教师名册.xlsx"

    assert reader.get(guessed).status_code == 404
    assert reader.get(f"/media/{roster_upload.file.name}").status_code == 404
    assert reader.get(reverse("roster:file", args=[roster_upload.pk])).status_code == 404


def test_an_import_file_is_kept_under_a_random_key_with_its_name_and_digest(
    roster_upload: ImportJob,
):
    assert re.fullmatch(rf"imports/{RANDOM_KEY}\.xlsx", roster_upload.file.name)
    assert roster_upload.original_name == "教师名册.xlsx"
    assert roster_upload.sha256 == hashlib.sha256(ROSTER).hexdigest()


def test_whoever_ran_a_roster_import_downloads_its_file(roster_upload, bureau_admin):
    response = as_user(bureau_admin).get(reverse("roster:file", args=[roster_upload.pk]))

    assert response.status_code == 200
    assert body(response) == ROSTER
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E6%95%99%E5%B8%88%E5%90%8D%E5%86%8C.xlsx" in response["Content-Disposition"]


def test_a_roster_manager_of_the_scope_downloads_a_roster_import_file(roster_upload, center_staff):
    response = as_user(center_staff).get(reverse("roster:file", args=[roster_upload.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("outsider", ["school_admin", "other_region_admin"])
def test_a_roster_import_file_is_not_found_for_others(
    roster_upload, outsider: str, request: pytest.FixtureRequest
):
    user = request.getfixturevalue(outsider)
    response = as_user(user).get(reverse("roster:file", args=[roster_upload.pk]))
    assert response.status_code == 404


def test_the_roster_job_page_links_the_file_and_shows_its_digest(roster_upload, bureau_admin):
    page = as_user(bureau_admin).get(reverse("roster:job", args=[roster_upload.pk])).text
    assert reverse("roster:file", args=[roster_upload.pk]) in page
    assert roster_upload.sha256 in page


@pytest.fixture
def credit_upload(center_staff: User) -> ImportJob:
    upload = table_file(["姓名", "学时"], [["张三", "2"]], name="学时")
    return preview_import(CreditImport(by=center_staff), upload, by=center_staff)


def test_whoever_ran_a_credit_import_downloads_its_file(credit_upload, center_staff):
    response = as_user(center_staff).get(reverse("credit_imports:file", args=[credit_upload.pk]))
    assert response.status_code == 200


def test_who_may_run_credit_imports_in_the_scope_downloads_a_credit_import_file(
    credit_upload, bureau_admin
):
    response = as_user(bureau_admin).get(reverse("credit_imports:file", args=[credit_upload.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("outsider", ["teacher", "other_region_admin"])
def test_a_credit_import_file_is_not_found_for_others(
    credit_upload, outsider: str, request: pytest.FixtureRequest
):
    user = request.getfixturevalue(outsider)
    user = getattr(user, "user", user)
    response = as_user(user).get(reverse("credit_imports:file", args=[credit_upload.pk]))
    assert response.status_code == 404


# Retention


def test_import_files_past_the_retention_period_are_deleted_and_their_digest_kept(
    roster_upload: ImportJob, settings
):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    stored = roster_upload.file.name
    ImportJob.objects.filter(pk=roster_upload.pk).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31)
    )

    call_command("purge_import_files", stdout=open("/dev/null", "w"))  # noqa: SIM115

    roster_upload.refresh_from_db()
    assert not default_storage.exists(stored)
    assert (roster_upload.file.name, roster_upload.file_purged_at is not None) == ("", True)
    assert roster_upload.sha256 == hashlib.sha256(ROSTER).hexdigest()


def test_import_files_within_the_retention_period_are_kept(roster_upload: ImportJob):
    call_command("purge_import_files", stdout=open("/dev/null", "w"))  # noqa: SIM115
    roster_upload.refresh_from_db()
    assert default_storage.exists(roster_upload.file.name)


def test_an_import_whose_file_was_deleted_says_so(roster_upload, bureau_admin):
    roster_upload.file.delete(save=False)
    ImportJob.objects.filter(pk=roster_upload.pk).update(file="")

    client = as_user(bureau_admin)
    page = client.get(reverse("roster:job", args=[roster_upload.pk])).text

    assert "文件已按保留期限删除" in page
    assert client.get(reverse("roster:file", args=[roster_upload.pk])).status_code == 404


def test_the_purge_can_run_as_a_background_task(roster_upload: ImportJob, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 0
    call_command("purge_import_files", "--enqueue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    roster_upload.refresh_from_db()
    assert roster_upload.file_purged_at is not None


# Project materials and evidence


@pytest.fixture
def project(school: School, school_admin: User) -> SchoolProject:
    staff = [TeacherFactory(school=school, user=UserFactory()) for _ in range(2)]
    return SchoolProjectFactory(
        school=school,
        created_by=school_admin,
        leader=staff[0],
        participants=staff,
        state=ProjectState.IN_PROGRESS,
    )


def upload_material(client: Client, project: SchoolProject, name: str, content: bytes):
    activity = ProjectActivityFactory(project=project)
    return client.post(
        reverse("projects:activity", args=[activity.pk]),
        {"upload": "1", "materials": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def material(project: SchoolProject, school_admin: User) -> ProjectFile:
    upload_material(as_user(school_admin), project, "教学设计.docx", docx())
    return ProjectFile.objects.get()


@pytest.mark.parametrize(
    ("name", "content"),
    [("活动.html", HTML), ("图.svg", SVG), ("图.png", SVG), ("说明.txt", HTML), ("表.csv", SVG)],
)
def test_markup_is_refused_as_project_material(project, school_admin, name, content):
    response = upload_material(as_user(school_admin), project, name, content)

    assert not ProjectFile.objects.exists()
    assert "只能上传：.pdf、.doc、.docx" in response.text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.HEIC", HEIC),
        ("录像.mov", MOV),
        ("签到.png", PNG),
        ("总结.pdf", PDF),
        ("名单.csv", "姓名\n张三\n".encode("gbk")),
    ],
)
def test_phone_photos_videos_and_documents_are_accepted_as_project_material(
    project, school_admin, name, content
):
    upload_material(as_user(school_admin), project, name, content)
    assert ProjectFile.objects.get().name == name


def test_project_material_is_kept_under_a_random_key(material: ProjectFile):
    assert re.fullmatch(rf"projects/{RANDOM_KEY}\.docx", material.file.name)
    assert material.name == "教学设计.docx"


def test_the_school_admin_downloads_their_projects_material(material, school_admin):
    response = as_user(school_admin).get(reverse("projects:file", args=[material.pk]))
    assert response.status_code == 200
    assert body(response) == material.file.open("rb").read()


@pytest.mark.parametrize("reader", ["center_staff", "participant"])
def test_whoever_reads_the_project_downloads_its_material(
    material, reader: str, request: pytest.FixtureRequest
):
    user = (
        material.project.participants.first().user
        if reader == "participant"
        else request.getfixturevalue(reader)
    )
    response = as_user(user).get(reverse("projects:file", args=[material.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("outsider", ["other_school_admin", "teacher"])
def test_project_material_is_not_found_for_others(
    material, outsider: str, request: pytest.FixtureRequest
):
    user = request.getfixturevalue(outsider)
    user = getattr(user, "user", user)
    response = as_user(user).get(reverse("projects:file", args=[material.pk]))
    assert response.status_code == 404


def test_a_stored_page_downloads_sandboxed_and_never_renders(project, school_admin):
    kept = ProjectFile.objects.create(
        project=project,
        purpose=FilePurpose.EVIDENCE,
        file=ContentFile(HTML, name="攻击.html"),
        uploaded_by=school_admin,
    )

    response = as_user(school_admin).get(reverse("projects:file", args=[kept.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_downloaded_office_file_is_sandboxed(material, school_admin):
    response = as_user(school_admin).get(reverse("projects:file", args=[material.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_image_is_shown_inline_sandboxed(project, school_admin):
    upload_material(as_user(school_admin), project, "签到.png", PNG)
    kept = ProjectFile.objects.get()

    response = as_user(school_admin).get(reverse("projects:file", args=[kept.pk]))

    assert (response["Content-Type"], response["Content-Security-Policy"]) == (
        "image/png",
        "sandbox",
    )
    assert response["Content-Disposition"].startswith("inline;")


def test_the_project_page_links_its_evidence_through_the_serving_view(project, school_admin):
    SchoolProject.objects.filter(pk=project.pk).update(evidence_summary="完成四次活动")
    kept = ProjectFile.objects.create(
        project=project,
        purpose=FilePurpose.EVIDENCE,
        file=ContentFile(PDF, name="案例集.pdf"),
        uploaded_by=school_admin,
    )
    page = as_user(school_admin).get(reverse("projects:detail", args=[project.pk])).text
    assert reverse("projects:file", args=[kept.pk]) in page
    assert kept.file.name not in page


def test_a_sign_in_sheet_that_is_not_a_spreadsheet_is_refused(project, school_admin):
    activity = ProjectActivityFactory(project=project)
    response = as_user(school_admin).post(
        reverse("projects:activity", args=[activity.pk]),
        {"import": "1", "sheet": SimpleUploadedFile("签到表.xlsx", HTML)},
    )
    assert "的内容不是 .xlsx 格式" in response.text


# Course media


@pytest.fixture
def learner(school: School) -> Teacher:
    return TeacherFactory(school=school, user=UserFactory(username="learner"))


@pytest.fixture
def document_unit(learner: Teacher, center_staff: User) -> CourseUnit:
    unit = VideoUnitFactory(
        course__region=learner.region,
        kind=UnitKind.DOCUMENT,
        video="",
        document=ContentFile(PDF * 40, name="课程标准.pdf"),
        duration_seconds=60,
    )
    admit(learner, unit.course)
    return unit


def test_an_admitted_learner_reads_the_pdf_inline_without_a_sandbox(document_unit, learner):
    response = as_user(learner.user).get(reverse("learning:unit_document", args=[document_unit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    # The site-wide policy applies, but never the sandbox, which stops Chrome rendering a PDF.
    assert "sandbox" not in response.get("Content-Security-Policy", "")


def test_course_staff_read_the_course_document(document_unit, center_staff):
    url = reverse("learning:unit_document", args=[document_unit.pk])
    assert as_user(center_staff).get(url).status_code == 200


def test_a_teacher_not_admitted_to_the_course_gets_no_course_document(document_unit, school):
    outsider = TeacherFactory(school=school, user=UserFactory())
    url = reverse("learning:unit_document", args=[document_unit.pk])
    assert as_user(outsider.user).get(url).status_code == 404


def test_a_byte_range_of_a_course_document_is_answered_with_206(document_unit, learner):
    response = as_user(learner.user).get(
        reverse("learning:unit_document", args=[document_unit.pk]), HTTP_RANGE="bytes=4-11"
    )

    assert response.status_code == 206
    size = document_unit.document.size
    assert response["Content-Range"] == f"bytes 4-11/{size}"
    assert body(response) == (PDF * 40)[4:12]


def test_a_range_past_the_end_is_answered_with_416(document_unit, learner):
    response = as_user(learner.user).get(
        reverse("learning:unit_document", args=[document_unit.pk]), HTTP_RANGE="bytes=999999-"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{document_unit.document.size}"


def test_a_whole_file_response_says_it_accepts_ranges(document_unit, learner):
    response = as_user(learner.user).get(reverse("learning:unit_document", args=[document_unit.pk]))
    assert response["Accept-Ranges"] == "bytes"


def test_a_word_file_is_refused_as_a_course_document(center_staff, learner):
    course = VideoUnitFactory(course__region=learner.region).course
    response = as_user(center_staff).post(
        reverse("learning:unit_create", args=[course.pk]),
        {
            "kind": "document",
            "title": "阅读",
            "position": 1,
            "pass_mark": 60,
            "document": SimpleUploadedFile("阅读.pdf", docx()),
        },
    )
    assert "只能上传：.pdf" in response.text


# Quarantine of course videos


def post_video(client: Client, course, name: str, content: bytes):
    return client.post(
        reverse("learning:unit_create", args=[course.pk]),
        {
            "kind": "video",
            "title": "第一讲",
            "position": 1,
            "duration_seconds": "30",
            "pass_mark": 60,
            "video": SimpleUploadedFile(name, content),
        },
    )


def test_an_uploaded_video_leaves_quarantine_once_checked(center_staff, learner):
    course = VideoUnitFactory(course__region=learner.region).course
    post_video(as_user(center_staff), course, "第一讲.mov", MOV)

    unit = CourseUnit.objects.get(course=course, title="第一讲")
    assert re.fullmatch(rf"learning/videos/{RANDOM_KEY}\.mov", unit.video.name)
    assert (unit.video_name, unit.video_refusal) == ("第一讲.mov", "")
    assert default_storage.exists(unit.video.name)


def test_a_page_renamed_to_a_video_is_refused(center_staff, learner):
    course = VideoUnitFactory(course__region=learner.region).course
    response = post_video(as_user(center_staff), course, "第一讲.mp4", HTML)
    assert "只能上传：.mp4、.m4v、.mov、.webm" in response.text


def test_a_quarantined_file_that_is_not_a_video_is_deleted_and_the_refusal_kept(learner):
    name = default_storage.save("quarantine/learning/videos/x.mp4", ContentFile(HTML))
    unit = VideoUnitFactory(course__region=learner.region, video=name)

    assert release_upload.call("learning.courseunit", unit.pk, "video") == "refused"

    refused = CourseUnit.objects.get(pk=unit.pk)
    assert (refused.video.name, not default_storage.exists(name)) == ("", True)
    assert ".mp4" in refused.video_refusal


def test_a_quarantined_video_is_not_served(learner):
    name = default_storage.save("quarantine/learning/videos/x.mov", ContentFile(MOV))
    unit = VideoUnitFactory(course__region=learner.region, video=name)
    admit(learner, unit.course)

    response = as_user(learner.user).get(reverse("learning:unit_video", args=[unit.pk]))
    assert response.status_code == 404


# Existing files


def test_rekey_uploads_moves_guessable_names_to_random_keys_once(roster_upload: ImportJob):
    old = default_storage.save("imports/2026/11/教师名册.xlsx", ContentFile(ROSTER))
    ImportJob.objects.filter(pk=roster_upload.pk).update(file=old, sha256="")
    quiet = open("/dev/null", "w")  # noqa: SIM115

    call_command("rekey_uploads", stdout=quiet)
    roster_upload.refresh_from_db()
    moved = roster_upload.file.name
    call_command("rekey_uploads", stdout=quiet)
    roster_upload.refresh_from_db()

    assert re.fullmatch(rf"imports/{RANDOM_KEY}\.xlsx", moved)
    assert roster_upload.file.name == moved
    assert not default_storage.exists(old)
    assert roster_upload.sha256 == hashlib.sha256(ROSTER).hexdigest()
