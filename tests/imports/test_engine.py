import io

import pytest

from tests.imports.files import table_file, temporary_media  # noqa: F401
from yanxiu.imports.engine import (
    Alias,
    Column,
    ImportFailed,
    TableImport,
    commit_import,
    match_header,
    preview_import,
    run_import,
    write_error_report,
)
from yanxiu.imports.models import ImportJob, Outcome
from yanxiu.imports.parsers import parse_count
from yanxiu.imports.tables import read_table
from yanxiu.orgs.models import Subject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]


class SubjectImport(TableImport):
    """A minimal import of subjects, to exercise the engine without any roster rules."""

    kind = "subjects"
    columns = (
        Column("name", "学科", aliases=("科目",), required=True),
        Column(
            "sort_order",
            "排序",
            aliases=(Alias("倒序", lambda v: 100 - parse_count(v)),),
            parser=parse_count,
        ),
    )
    fail = False

    def check(self, rows):
        existing = dict(Subject.objects.values_list("name", "sort_order"))
        for row in rows:
            if row.values["name"] not in existing:
                row.outcome = Outcome.CREATED
            elif existing[row.values["name"]] != (row.values.get("sort_order") or 0):
                row.outcome = Outcome.UPDATED
            else:
                row.outcome = Outcome.UNCHANGED

    def write(self, rows):
        for row in rows:
            Subject.objects.update_or_create(
                name=row.values["name"], defaults={"sort_order": row.values.get("sort_order") or 0}
            )
            if self.fail:
                raise RuntimeError("disk full")


def upload(rows, header=("学科", "排序")):
    return table_file(list(header), rows)


def test_headers_match_by_alias_and_ignore_unknown_columns():
    matched, errors = match_header(["备注", "科目 ", "排序*"], SubjectImport.columns)
    assert errors == []
    assert {index: column.key for index, (column, _) in matched.items()} == {
        1: "name",
        2: "sort_order",
    }


def test_the_same_column_twice_is_a_file_error():
    _, errors = match_header(["学科", "科目"], SubjectImport.columns)
    assert errors == [("科目", "“学科”和“科目”是同一列，只能保留一个")]


def test_an_alias_may_read_its_cells_differently():
    run_import(
        SubjectImport(), upload([["语文", "10"]], header=("学科", "倒序")), by=None, commit=True
    )
    assert Subject.objects.get().sort_order == 90


def test_unreadable_cells_reject_the_row_with_the_column_named():
    job = preview_import(SubjectImport(), upload([["语文", "十"], ["数学", "2"]]), by=None)
    (error,) = job.errors()
    assert (error.row_number, error.column, error.message) == (2, "排序", "应为整数")
    assert (job.valid_rows, job.rejected_rows) == (1, 1)


def test_blank_rows_are_skipped_but_keep_their_row_numbers():
    job = preview_import(SubjectImport(), upload([["语文", "1"], ["", ""], ["数学", "x"]]), by=None)
    assert job.total_rows == 2
    assert job.errors()[0].row_number == 4


def test_a_committed_job_cannot_be_committed_again():
    importer = SubjectImport()
    job = preview_import(importer, upload([["语文", "1"]]), by=None)
    commit_import(job, importer)
    with pytest.raises(ImportFailed):
        commit_import(job, importer)


def test_a_commit_that_lost_the_race_to_another_writes_nothing():
    importer = SubjectImport()
    job = preview_import(importer, upload([["语文", "1"]]), by=None)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTED)
    with pytest.raises(ImportFailed, match="该导入任务已处理"):
        commit_import(job, importer)
    assert not Subject.objects.exists()


def test_a_failed_write_leaves_nothing_and_marks_the_job_failed():
    importer = SubjectImport()
    importer.fail = True
    job = preview_import(importer, upload([["语文", "1"], ["数学", "2"]]), by=None)
    with pytest.raises(ImportFailed):
        commit_import(job, importer)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "disk full" in job.failure
    assert not Subject.objects.exists()


def test_reimporting_reports_unchanged_rows():
    run_import(SubjectImport(), upload([["语文", "1"]]), by=None, commit=True)
    job = run_import(SubjectImport(), upload([["语文", "1"]]), by=None, commit=True)
    assert job.row_reports()[0].outcome == Outcome.UNCHANGED


def test_the_error_report_holds_the_rejected_rows_and_what_is_wrong():
    job = preview_import(SubjectImport(), upload([["语文", "1"], ["数学", "二"]]), by=None)
    out = io.BytesIO()
    write_error_report(job, out)
    table = read_table(io.BytesIO(out.getvalue()), "errors.xlsx")
    assert table.header == ["学科", "排序", "错误说明"]
    assert list(table.rows) == [["数学", "二", "排序：应为整数"]]


def test_a_file_that_is_not_a_spreadsheet_is_reported_not_raised():
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = preview_import(SubjectImport(), SimpleUploadedFile("a.xlsx", b"nonsense"), by=None)
    assert "无法读取该 Excel 文件" in job.file_errors[0].message
    assert not job.can_commit
