"""Bounded imports (issue #9, item 6) and a busy SQLite database (item 11)."""

from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from tests.api.conftest import TokenClient
from tests.conftest import login
from tests.imports.files import (
    far_cell_xlsx,
    table_bytes,
    table_file,
    temporary_media,  # noqa: F401
    xlsx_bomb,
)
from tests.imports.test_engine import SubjectImport
from tests.roster.rows import roster_file, roster_row
from yanxiu.api.services import issue_token
from yanxiu.imports.engine import (
    REPORT_PAGE_SIZE,
    ImportFailed,
    commit_import,
    preview_import,
    write_error_report,
)
from yanxiu.imports.models import ImportJob
from yanxiu.imports.tables import TooLarge, read_table
from yanxiu.orgs.models import Subject, Teacher, User
from yanxiu.roster.importer import RosterImport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]

ON_SQLITE = connection.vendor == "sqlite"


def read_all(data: bytes, name: str = "f.xlsx") -> list[list[str]]:
    return list(read_table(io.BytesIO(data), name).rows)


# --- limits checked before and while parsing -------------------------------------------------


def test_the_two_million_row_bomb_is_refused_within_seconds(client, school_admin):
    bomb = SimpleUploadedFile("教师名册.xlsx", xlsx_bomb(2_000_000))
    started = time.monotonic()
    response = login(client, school_admin).post(reverse("roster:import"), {"file": bomb})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert "压缩比异常" in job.file_errors[0].message
    assert (job.total_rows, job.can_commit) == (0, False)
    assert elapsed < 10


def test_a_file_above_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    with pytest.raises(TooLarge, match="文件超过 0 MB"):
        read_all(table_bytes(["姓名"], [["张三" * 100]] * 20, "csv"), "f.csv")


def test_a_file_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    with pytest.raises(TooLarge, match="文件解压后超过 2 MB"):
        read_all(xlsx_bomb(100_000))


def test_a_part_that_compresses_too_well_is_refused():
    with pytest.raises(TooLarge, match="压缩比异常（超过 100 倍）"):
        read_all(xlsx_bomb(100_000))


def test_rows_beyond_the_limit_are_refused_as_they_are_read(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(TooLarge, match="文件超过 5 行"):
        read_all(table_bytes(["姓名"], [["张三"]] * 6))


def test_rows_up_to_the_limit_are_read(settings):
    settings.IMPORT_MAX_ROWS = 5
    assert len(read_all(table_bytes(["姓名"], [["张三"]] * 5))) == 5


def test_a_csv_with_rows_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(TooLarge, match="文件超过 5 行"):
        read_all(table_bytes(["姓名"], [["张三"]] * 6, "csv"), "f.csv")


def test_a_far_away_cell_is_refused_without_killing_the_process():
    with pytest.raises(TooLarge, match="内存超过上限"):
        read_all(far_cell_xlsx())


def test_shared_strings_repeated_beyond_the_parser_memory_are_refused(settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100_000
    settings.IMPORT_PARSER_MEMORY_BYTES = 64 * 1024 * 1024
    with pytest.raises(TooLarge, match="内存超过上限"):
        read_all(xlsx_bomb(50_000, shared_string="长" * 2000))


def test_a_csv_cell_beyond_the_csv_field_limit_is_refused_not_raised():
    data = ("学科\r\n" + "张" * 200_000 + "\r\n").encode()
    job = preview_import(SubjectImport(), SimpleUploadedFile("a.csv", data), by=None)
    assert "CSV 文件格式有误" in job.file_errors[0].message


# --- the report: bounded when stored, paginated when shown --------------------------------------


def subject_rows(count: int) -> SimpleUploadedFile:
    return table_file(["学科", "排序"], [[f"学科{i}", "二"] for i in range(count)])


def test_the_stored_report_keeps_errors_of_a_bounded_number_of_rows(monkeypatch):
    monkeypatch.setattr("yanxiu.imports.engine.REPORTED_ERROR_ROWS", 3)
    job = preview_import(SubjectImport(), subject_rows(5), by=None)
    assert len(job.errors()) == 3
    assert (job.rejected_rows, job.errors_left_out) == (5, 2)


def test_the_error_workbook_marks_rows_whose_errors_were_left_out(monkeypatch):
    monkeypatch.setattr("yanxiu.imports.engine.REPORTED_ERROR_ROWS", 1)
    job = preview_import(SubjectImport(), subject_rows(2), by=None)
    out = io.BytesIO()
    write_error_report(job, out)
    rows = read_all(out.getvalue())
    assert rows[0][-1] == "排序：应为整数"
    assert "错误过多" in rows[1][-1]


def test_a_long_cell_is_cut_short_in_the_stored_report():
    upload = table_file(["学科", "排序"], [["语文", "二" * 5000]])
    job = preview_import(SubjectImport(), upload, by=None)
    assert len(job.report["rows"][0][3][0][1]) <= 200


def test_the_job_page_shows_the_errors_a_page_at_a_time(client, school, school_admin):
    rows = [roster_row(school, 身份证号="123") for _ in range(REPORT_PAGE_SIZE + 5)]
    login(client, school_admin).post(reverse("roster:import"), {"file": roster_file(rows)})
    url = reverse("roster:job", args=[ImportJob.objects.get().pk])
    first, second = client.get(url).context["errors"], client.get(url + "?page=2").context["errors"]
    assert (len(first), len(second)) == (REPORT_PAGE_SIZE, 5)
    assert "?page=2" in client.get(url).content.decode()


def api_client(user: User) -> TokenClient:
    _token, key = issue_token(user, name="测试")
    return TokenClient(key)


def test_the_api_returns_the_report_a_page_at_a_time(school, school_admin):
    rows = [roster_row(school, 身份证号="123") for _ in range(60)]
    job = preview_import(RosterImport(by=school_admin), roster_file(rows), by=school_admin)
    page = api_client(school_admin).get(
        f"/api/orgs/roster/jobs/{job.pk}/rows", {"page": 2, "page_size": 50}
    )
    assert page.status_code == 200
    assert page.json()["count"] == 60
    assert [item["row"] for item in page.json()["items"]] == list(range(52, 62))


# --- a busy database -----------------------------------------------------------------------


class WriteLock:
    """A second connection holding a write lock on a table, as another writer would."""

    def __init__(self) -> None:
        self.held: list[sqlite3.Connection] = []

    def hold(self, table: str) -> None:
        other = sqlite3.connect(
            connection.settings_dict["NAME"], uri=True, timeout=0.1, isolation_level=None
        )
        other.execute("BEGIN IMMEDIATE")
        other.execute(f"UPDATE {table} SET id = id")
        self.held.append(other)

    def release(self) -> None:
        while self.held:
            other = self.held.pop()
            other.execute("ROLLBACK")
            other.close()


@pytest.fixture
def write_lock() -> Iterator[WriteLock]:
    lock = WriteLock()
    yield lock
    lock.release()


sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="the lock is SQLite's single writer")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_preview_during_a_lock_answers_503_and_keeps_no_file(
    client, school, school_admin, write_lock, settings
):
    login(client, school_admin)
    write_lock.hold("imports_importjob")
    response = client.post(reverse("roster:import"), {"file": roster_file([roster_row(school)])})
    assert response.status_code == 503
    assert "数据库繁忙，请稍后重试" in response.content.decode()
    assert not list((settings.MEDIA_ROOT / "imports").rglob("*.xlsx"))


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_commit_during_a_lock_answers_503_and_can_be_retried(
    client, school, school_admin, write_lock
):
    login(client, school_admin)
    client.post(reverse("roster:import"), {"file": roster_file([roster_row(school)])})
    job = ImportJob.objects.get()
    write_lock.hold("orgs_teacherposting")
    assert client.post(reverse("roster:commit", args=[job.pk])).status_code == 503
    write_lock.release()
    assert client.post(reverse("roster:commit", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Teacher.objects.count() == 1


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_a_lock_with_a_json_503(school, school_admin, write_lock):
    client = api_client(school_admin)
    write_lock.hold("imports_importjob")
    response = client.get("/api/orgs/roster/jobs/1")
    assert response.status_code == 503
    assert response.json() == {"detail": "数据库繁忙，请稍后重试", "code": "database_busy"}


class BusyImport(SubjectImport):
    def write(self, rows):
        raise OperationalError("database is locked")


def test_a_commit_that_met_a_busy_database_stays_committable():
    job = preview_import(BusyImport(), table_file(["学科"], [["语文"]]), by=None)
    with pytest.raises(OperationalError):
        commit_import(job, BusyImport())
    job.refresh_from_db()
    assert (job.status, job.can_commit) == (ImportJob.Status.PREVIEWED, True)


def test_a_failed_commit_can_be_retried():
    failing = SubjectImport()
    failing.fail = True
    job = preview_import(failing, table_file(["学科"], [["语文"]]), by=None)
    with pytest.raises(ImportFailed):
        commit_import(job, failing)
    job.refresh_from_db()
    assert commit_import(job, SubjectImport()).status == ImportJob.Status.COMMITTED
    assert Subject.objects.filter(name="语文").exists()
