import io

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.imports.files import temporary_media  # noqa: F401
from tests.queries import assert_constant_queries
from tests.roster.rows import new_id_number, roster_file, roster_row
from yanxiu.imports.models import ImportJob
from yanxiu.imports.tables import read_table
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Teacher
from yanxiu.roster.importer import HEADERS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]


def upload(client, rows, **headers):
    return client.post(reverse("roster:import"), {"file": roster_file(rows)}, **headers)


def downloaded(response, name="f.xlsx"):
    table = read_table(io.BytesIO(response.getvalue()), name)
    return table.header, list(table.rows)


def test_upload_shows_the_preview_without_writing(client, school, school_admin):
    login(client, school_admin)
    response = upload(client, [roster_row(school), roster_row(school, 身份证号="123")])
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "身份证号应为18位" in page
    assert "导入 1 条有效记录" in page
    assert not Teacher.objects.exists()


def test_htmx_upload_answers_with_the_preview_fragment(client, school, school_admin):
    login(client, school_admin)
    response = upload(client, [roster_row(school)], HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse("roster:job", args=[ImportJob.objects.get().pk])
    assert b'<section id="job"' in response.content
    assert b"<html" not in response.content


def test_htmx_upload_of_a_wrong_file_type_answers_with_the_reason(client, school_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, school_admin)
    response = client.post(
        reverse("roster:import"),
        {"file": SimpleUploadedFile("名册.pdf", b"%PDF")},
        HTTP_HX_REQUEST="true",
    )
    assert "只能导入 .xlsx 或 .csv 文件" in response.content.decode()
    assert b"<html" not in response.content
    assert not ImportJob.objects.exists()


def test_commit_imports_the_valid_rows_and_links_to_the_teacher_list(client, school, school_admin):
    login(client, school_admin)
    upload(client, [roster_row(school, 姓名="赵六")])
    job = ImportJob.objects.get()
    response = client.post(reverse("roster:commit", args=[job.pk]), follow=True)
    assert Teacher.objects.get().name == "赵六"
    assert "导入完成：新增 1 人" in response.content.decode()
    assert reverse("orgs:teacher_list") in response.content.decode()


def test_error_report_downloads_the_rejected_rows(client, school, school_admin):
    login(client, school_admin)
    upload(client, [roster_row(school, 姓名="好"), roster_row(school, 姓名="坏", 职称="特级")])
    job = ImportJob.objects.get()
    header, rows = downloaded(client.get(reverse("roster:errors", args=[job.pk])))
    assert header[-1] == "错误说明"
    assert [row[0] for row in rows] == ["坏"]


def test_another_users_job_is_not_found(client, school, school_admin):
    login(client, school_admin)
    upload(client, [roster_row(school)])
    stranger = UserFactory()
    grant(stranger, "school_admin", school=SchoolFactory())
    login(client, stranger)
    job = ImportJob.objects.get()
    assert client.get(reverse("roster:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("roster:commit", args=[job.pk])).status_code == 404


def test_teachers_cannot_open_the_import_page(client, teacher):
    login(client, teacher.user)
    assert client.get(reverse("roster:import")).status_code == 403


def test_import_page_lists_recent_jobs_in_few_queries(client, school, school_admin):
    login(client, school_admin)
    response = assert_constant_queries(
        lambda n: [upload(client, [roster_row(school)]) for _ in range(n)],
        lambda: client.get(reverse("roster:import")),
        at_most=12,
    )
    assert response.content.decode().count("名册.xlsx") == 10  # the ten most recent


def test_export_reveals_id_numbers_to_roster_managers(client, school, school_admin):
    number = new_id_number()
    TeacherFactory(school=school, id_number=number)
    login(client, school_admin)
    header, rows = downloaded(client.get(reverse("roster:export") + "?format=xlsx"))
    assert header == HEADERS
    assert rows[0][1] == number


def test_export_gives_readers_who_do_not_manage_only_the_area_prefix(client, school, zone):
    teacher = TeacherFactory(school=school)
    leader = UserFactory()
    grant(leader, "zone_leader", zone=zone)
    login(client, leader)
    _, rows = downloaded(client.get(reverse("roster:export") + "?format=csv"), "f.csv")
    assert rows[0][1] == idnumbers.area_prefix(teacher.id_number_masked)


def test_school_admin_exports_only_their_school(client, school, other_school, school_admin):
    TeacherFactory(school=school, name="本校")
    TeacherFactory(school=other_school, name="外校")
    login(client, school_admin)
    _, rows = downloaded(client.get(reverse("roster:export")))
    assert [row[0] for row in rows] == ["本校"]


def test_template_is_an_empty_sheet_with_the_headers(client, school_admin):
    login(client, school_admin)
    response = client.get(reverse("roster:template") + "?format=csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert downloaded(response, "t.csv") == (HEADERS, [])


def test_unknown_export_format_is_refused(client, school_admin):
    login(client, school_admin)
    assert client.get(reverse("roster:export") + "?format=pdf").status_code == 400
