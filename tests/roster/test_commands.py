import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import SchoolFactory, TeacherFactory
from tests.imports.files import temporary_media  # noqa: F401
from tests.roster.rows import roster_file, roster_row
from yanxiu.imports.tables import read_table
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Teacher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]


def roster_on_disk(tmp_path, rows, fmt="xlsx"):
    path = tmp_path / f"名册.{fmt}"
    path.write_bytes(roster_file(rows, fmt).read())
    return path


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dry_run_with_a_bad_row_prints_it_and_exits_1(tmp_path, school):
    path = roster_on_disk(
        tmp_path, [roster_row(school), roster_row(school, 学校="无名校", 学校代码="")]
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert failure.value.returncode == 1
    assert "第3行\t学校\t未找到学校“无名校”" in out.getvalue()
    assert not Teacher.objects.exists()


def test_clean_dry_run_exits_0_and_writes_nothing(tmp_path, school):
    output = run("import_roster", str(roster_on_disk(tmp_path, [roster_row(school)])), "--dry-run")
    assert "共 1 行，有效 1 行，错误 0 行；新增 1" in output
    assert not Teacher.objects.exists()


def test_a_warned_row_is_printed_and_still_imported(tmp_path, school):
    number = idnumbers.compose("330302", datetime.date(1950, 6, 1), 11)
    row = roster_row(school, 身份证号=number, 出生日期="1950-06-01", 参加工作年份="1972")
    output = run("import_roster", str(roster_on_disk(tmp_path, [row])))
    assert "第2行\t身份证号\t请核对：" in output
    assert Teacher.objects.count() == 1


def test_import_writes_the_rows(tmp_path, school):
    run("import_roster", str(roster_on_disk(tmp_path, [roster_row(school, 姓名="钱七")], "csv")))
    assert Teacher.objects.get().name == "钱七"


def test_import_with_a_user_applies_their_scope(tmp_path, school, school_admin):
    elsewhere = SchoolFactory(zone=school.zone)
    path = roster_on_disk(tmp_path, [roster_row(elsewhere)])
    with pytest.raises(CommandError):
        run("import_roster", str(path), "--user", school_admin.username)
    assert not Teacher.objects.exists()


def test_a_user_without_roster_rights_is_refused(tmp_path, school, teacher):
    path = roster_on_disk(tmp_path, [roster_row(school)])
    with pytest.raises(CommandError, match="没有管理教师名册的权限"):
        run("import_roster", str(path), "--user", teacher.user.username)


def test_export_writes_the_chosen_school_by_extension(tmp_path, school, other_school):
    TeacherFactory(school=school, name="甲")
    TeacherFactory(school=other_school, name="乙")
    path = tmp_path / "out.csv"
    run("export_roster", str(path), "--school", school.code)
    with path.open("rb") as source:
        rows = list(read_table(source, path.name).rows)
    assert [row[0] for row in rows] == ["甲"]


def test_exported_file_imports_back_unchanged(tmp_path, school):
    TeacherFactory(school=school)
    path = tmp_path / "out.xlsx"
    run("export_roster", str(path))
    assert "无变化 1" in run("import_roster", str(path), "--dry-run")
