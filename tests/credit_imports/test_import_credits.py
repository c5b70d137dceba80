"""Bulk import of credit entries: preview, row-by-row errors, idempotence, the page and the CLI."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.conftest import login
from tests.credits.factories import certifier
from tests.factories import SchoolFactory, TeacherFactory
from tests.imports.files import table_bytes, table_file, temporary_media  # noqa: F401
from yanxiu.credit_imports.importer import COLUMNS, CreditImport
from yanxiu.credits.models import CreditEntry, TeacherYearTotal
from yanxiu.credits.services import reverse_entry
from yanxiu.imports.engine import run_import
from yanxiu.imports.models import ImportJob
from yanxiu.orgs import idnumbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]

HEADER = [c.header for c in COLUMNS]


def row(teacher, **cells: str) -> list[str]:
    values = {
        "身份证号": idnumbers.decrypt(teacher.id_number_cipher),
        "年度": "2026",
        "类别": "集中培训",
        "数量": "8",
        "单位": "学分",
        "来源": "2026年新教师培训班",
        "日期": "2026-03-14",
        "备注": "",
        **cells,
    }
    return [values[h] for h in HEADER]


def imported(rows, by, *, commit=True, fmt="xlsx") -> ImportJob:
    upload = table_file(HEADER, rows, fmt, name="学时")
    return run_import(CreditImport(by=by), upload, by=by, commit=commit)


def only_error(job: ImportJob) -> tuple[int, str, str]:
    (error,) = job.errors()
    return error.row_number, error.column, error.message


def test_a_valid_row_posts_a_credit_certified_by_the_importer(center_staff, teacher):
    job = imported([row(teacher, 备注="补登")], center_staff)
    entry = CreditEntry.objects.get()
    assert (job.status, job.created_rows) == ("committed", 1)
    assert (entry.teacher, entry.year, entry.category) == (teacher, 2026, "centralized")
    assert (entry.amount, entry.unit, entry.source_label) == (
        Decimal(8),
        "credit",
        "2026年新教师培训班",
    )
    assert (entry.certified_by, entry.reason) == (center_staff, "补登")


def test_the_preview_writes_no_credit(center_staff, teacher):
    job = imported([row(teacher)], center_staff, commit=False)
    assert (job.status, job.created_rows) == ("previewed", 1)
    assert not CreditEntry.objects.exists()


def test_importing_the_same_file_again_changes_nothing(center_staff, teacher):
    rows = [row(teacher), row(teacher, 类别="网络培训", 数量="2.5", 单位="学时")]
    imported(rows, center_staff)
    again = imported(rows, center_staff)
    assert (again.created_rows, again.unchanged_rows, again.rejected_rows) == (0, 2, 0)
    assert CreditEntry.objects.count() == 2
    assert TeacherYearTotal.objects.get(teacher=teacher, category="centralized").credits == 8


def test_a_csv_file_imports_like_an_excel_file(center_staff, teacher):
    job = imported([row(teacher)], center_staff, fmt="csv")
    assert job.created_rows == 1


def test_a_different_amount_for_an_imported_source_is_an_error_not_an_overwrite(
    center_staff, teacher
):
    imported([row(teacher)], center_staff)
    job = imported([row(teacher, 数量="9")], center_staff)
    number, column, message = only_error(job)
    assert (number, column) == (2, "数量")
    assert "已登记 8.00 学分" in message
    assert CreditEntry.objects.get().amount == 8


def test_a_reversed_import_can_be_imported_again(center_staff, teacher):
    imported([row(teacher)], center_staff)
    reverse_entry(CreditEntry.objects.get(), by=certifier(), reason="录错")
    job = imported([row(teacher, 数量="6")], center_staff)
    assert job.created_rows == 1
    assert TeacherYearTotal.objects.get(teacher=teacher, category="centralized").credits == 6


def test_the_same_credit_twice_in_one_file_is_reported_on_the_second_row(center_staff, teacher):
    job = imported([row(teacher), row(teacher)], center_staff)
    assert only_error(job) == (3, "", "与第2行是同一条学时记录")
    assert CreditEntry.objects.count() == 1


def test_an_unknown_id_number_is_reported(center_staff, teacher):
    unknown = idnumbers.compose("330302", teacher.birth_date, 999)
    job = imported([row(teacher, 身份证号=unknown)], center_staff)
    assert only_error(job)[1] == "身份证号"


def test_a_teacher_of_another_region_is_not_found(center_staff):
    stranger = TeacherFactory(school=SchoolFactory())
    job = imported([row(stranger)], center_staff)
    assert "不在您的管理范围内" in only_error(job)[2]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"身份证号": "330302198503140012"}, "身份证号"),
        ({"类别": "外出休养"}, "类别"),
        ({"数量": "-2"}, "数量"),
        ({"数量": "1.255"}, "数量"),
        ({"数量": "八"}, "数量"),
        ({"单位": "天"}, "单位"),
        ({"来源": ""}, "来源"),
        ({"日期": "2026-02-30"}, "日期"),
        ({"日期": "2099-01-01"}, "日期"),
        ({"年度": "二〇二六"}, "年度"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(center_staff, teacher, cells, column):
    job = imported([row(teacher), row(teacher, **{"来源": "另一来源", **cells})], center_staff)
    number, reported_column, _message = only_error(job)
    assert (number, reported_column) == (3, column)
    assert job.created_rows == 1


def test_the_report_never_stores_the_id_number_in_clear(center_staff, teacher):
    job = imported([row(teacher)], center_staff)
    assert idnumbers.decrypt(teacher.id_number_cipher) not in str(job.report)


def test_the_page_previews_then_commits(client, center_staff, teacher):
    login(client, center_staff)
    upload = table_file(HEADER, [row(teacher)], name="学时")
    response = client.post(reverse("credit_imports:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("credit_imports:job", args=[job.pk])
    assert "登记 1 条学时记录" in client.get(response["Location"]).content.decode()
    client.post(reverse("credit_imports:commit", args=[job.pk]))
    assert CreditEntry.objects.count() == 1


def test_a_school_admin_may_not_import_credits(client, school_admin):
    response = login(client, school_admin).get(reverse("credit_imports:import"))
    assert response.status_code == 403


def test_the_template_imports_as_a_file_with_the_right_columns(client, center_staff):
    response = login(client, center_staff).get(
        reverse("credit_imports:template"), {"format": "csv"}
    )
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == HEADER


def test_the_error_report_lists_the_rejected_rows_with_their_errors(client, center_staff, teacher):
    job = imported([row(teacher, 数量="-1")], center_staff, commit=False)
    response = login(client, center_staff).get(reverse("credit_imports:errors", args=[job.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_the_command_dry_run_reports_and_writes_nothing(center_staff, teacher, tmp_path):
    path = tmp_path / "学时.xlsx"
    path.write_bytes(table_bytes(HEADER, [row(teacher)]))
    out = io.StringIO()
    call_command("import_credits", str(path), "--dry-run", "--user", "center_staff", stdout=out)
    assert "共 1 行" in out.getvalue()
    assert not CreditEntry.objects.exists()


def test_the_command_imports_and_fails_on_rejected_rows(center_staff, teacher, tmp_path):
    path = tmp_path / "学时.csv"
    path.write_bytes(table_bytes(HEADER, [row(teacher), row(teacher, 数量="x")], "csv"))
    with pytest.raises(CommandError):
        call_command("import_credits", str(path), "--user", "center_staff", stdout=io.StringIO())
    assert CreditEntry.objects.count() == 1


def test_the_command_refuses_a_user_who_cannot_certify(school_admin, tmp_path):
    path = tmp_path / "学时.csv"
    path.write_bytes(table_bytes(HEADER, []))
    with pytest.raises(CommandError, match="没有认定学时的权限"):
        call_command("import_credits", str(path), "--user", "school_admin")
