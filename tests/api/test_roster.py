"""Roster import through the API: a preview with the row-by-row report, then a commit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import UserFactory, grant
from tests.imports.files import temporary_media  # noqa: F401
from tests.roster.rows import roster_file, roster_row
from yanxiu.api.services import issue_token
from yanxiu.orgs.models import Teacher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]

PREVIEW = "/api/orgs/roster/preview"


def upload(user, upload_file):
    _token, key = issue_token(user, name="名册同步")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    return client, client.post(PREVIEW, {"file": upload_file})


def test_the_preview_reports_every_row_and_writes_nothing(school, school_admin):
    rows = [roster_row(school, 姓名="张三"), roster_row(school, 姓名="李四", 身份证号="330302")]

    _client, response = upload(school_admin, roster_file(rows))

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["valid_rows"], body["rejected_rows"]) == ("previewed", 1, 1)
    assert [row["outcome"] for row in body["rows"]] == ["created", "rejected"]
    assert body["rows"][1]["errors"][0]["column"] == "身份证号"
    assert not Teacher.objects.exists()


def test_committing_a_preview_writes_its_valid_rows(school, school_admin):
    client, preview = upload(school_admin, roster_file([roster_row(school, 姓名="王五")]))

    response = client.post(f"/api/orgs/roster/commit/{preview.json()['id']}")

    assert response.status_code == 200
    assert response.json()["status"] == "committed"
    assert Teacher.objects.get().name == "王五"


def test_a_preview_cannot_be_committed_twice(school, school_admin):
    client, preview = upload(school_admin, roster_file([roster_row(school)]))
    client.post(f"/api/orgs/roster/commit/{preview.json()['id']}")

    again = client.post(f"/api/orgs/roster/commit/{preview.json()['id']}")

    assert again.status_code == 422
    assert again.json()["detail"] == "该导入任务已处理，不能重复导入"


def test_a_row_for_a_school_outside_the_scope_is_rejected(school, other_school, school_admin):
    _client, response = upload(school_admin, roster_file([roster_row(other_school)]))

    assert response.json()["rejected_rows"] == 1


def test_a_file_that_is_not_a_table_is_refused_in_chinese(school_admin):
    _client, response = upload(school_admin, SimpleUploadedFile("名册.pdf", b"%PDF-1.7"))

    assert response.status_code == 422
    assert response.json()["detail"] == "file：只能导入 .xlsx 或 .csv 文件"


def test_a_malformed_upload_is_refused_in_chinese_json(school_admin):
    _token, key = issue_token(school_admin, name="名册同步")
    part_headers = b"X-Padding: " + b"a" * 2048  # more header than Django parses
    body = b"--B\r\n" + part_headers + b"\r\n\r\nvalue\r\n--B--\r\n"
    response = Client(headers={"Authorization": f"Bearer {key}"}).post(
        PREVIEW, body, content_type="multipart/form-data; boundary=B"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "上传的表单内容无法解析，请检查文件后重新上传"


def test_a_teacher_may_not_import_a_roster(school, teacher):
    _client, response = upload(teacher.user, roster_file([roster_row(school)]))

    assert response.status_code == 403


def test_another_school_admins_job_is_not_found(school, school_admin, other_school):
    stranger = UserFactory()
    grant(stranger, "school_admin", school=other_school)
    _client, preview = upload(school_admin, roster_file([roster_row(school)]))
    _key_owner, key = issue_token(stranger, name="别人")

    response = Client(headers={"Authorization": f"Bearer {key}"}).post(
        f"/api/orgs/roster/commit/{preview.json()['id']}"
    )

    assert response.status_code == 404
    assert not Teacher.objects.exists()
