import datetime
import io

import pytest

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.imports.files import gbk_csv, table_file, temporary_media  # noqa: F401
from tests.roster.rows import new_id_number, roster_file, roster_row
from yanxiu.imports.engine import commit_import, preview_import, run_import
from yanxiu.imports.models import ImportJob
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Subject, Teacher, TeacherPosting
from yanxiu.orgs.sheets import import_job_list
from yanxiu.roster.importer import RosterImport, export_roster

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("temporary_media")]


def imported(rows, *, by=None, fmt="xlsx", commit=True) -> ImportJob:
    return run_import(RosterImport(by=by), roster_file(rows, fmt), by=by, commit=commit)


def only_error(job: ImportJob) -> tuple[int, str, str]:
    (error,) = job.errors()
    return error.row_number, error.column, error.message


def test_valid_rows_create_teachers_with_protected_id_numbers(school):
    row = roster_row(school, 姓名="王芳")
    job = imported([row])
    teacher = Teacher.objects.get()
    assert (job.status, job.created_rows) == ("committed", 1)
    assert teacher.name == "王芳"
    assert teacher.id_number_hash == idnumbers.digest(row["身份证号"])
    assert teacher.id_number_masked == idnumbers.mask(row["身份证号"])
    assert idnumbers.decrypt(teacher.id_number_cipher) == row["身份证号"]


def test_new_teacher_gets_the_school_org_path_subjects_and_first_posting(school):
    imported([roster_row(school, 学科="语文、科学")])
    teacher = Teacher.objects.get()
    assert teacher.org_path == school.org_path
    assert teacher.region_id == school.region_id
    assert {s.name for s in teacher.subjects.all()} == {"语文", "科学"}
    posting = TeacherPosting.objects.get(teacher=teacher)
    assert (posting.school, posting.end_date) == (school, None)


def test_choice_labels_become_stored_values(school):
    imported([roster_row(school, 职称="一级教师", 骨干级别="区级骨干", 用工性质="在编在岗")])
    teacher = Teacher.objects.get()
    assert (teacher.title, teacher.backbone_level, teacher.employment) == (
        "first",
        "district",
        "in_post",
    )
    assert teacher.is_homeroom_teacher is True


def test_preview_writes_nothing_but_keeps_the_file(school):
    job = preview_import(RosterImport(by=None), roster_file([roster_row(school)]), by=None)
    assert (job.status, job.created_rows, job.valid_rows) == ("previewed", 1, 1)
    assert not Teacher.objects.exists()
    assert not Subject.objects.exists()
    with job.file.open("rb") as kept:
        assert kept.read(2) == b"PK"


def test_commit_of_a_preview_writes_the_valid_rows(school):
    importer = RosterImport(by=None)
    job = preview_import(importer, roster_file([roster_row(school)]), by=None)
    commit_import(job, importer)
    assert job.status == "committed"
    assert Teacher.objects.count() == 1


def test_bad_checksum_is_reported_on_its_row(school):
    number = new_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    job = imported([roster_row(school), roster_row(school, 身份证号=wrong)])
    assert only_error(job) == (3, "身份证号", "身份证号校验位错误")
    assert Teacher.objects.count() == 1


def test_short_id_number_is_reported(school):
    job = imported([roster_row(school, 身份证号="33030219880601")])
    assert only_error(job) == (2, "身份证号", "身份证号应为18位")


def test_id_number_that_excel_stored_as_a_number_is_explained(school):
    job = imported([roster_row(school, 身份证号="3.30302198806011E+17")])
    assert only_error(job)[2].startswith("身份证号被 Excel 存成了数字")


def test_impossible_birth_date_in_id_number_is_reported(school):
    first17 = "33030219881301123"
    job = imported([roster_row(school, 身份证号=first17 + idnumbers.check_char(first17))])
    assert only_error(job) == (2, "身份证号", "身份证号中的出生日期无效")


def test_unknown_school_is_reported(school):
    job = imported([roster_row(school, 学校代码="", 学校="不存在的学校")])
    assert only_error(job) == (2, "学校", "未找到学校“不存在的学校”")


def test_school_code_and_name_that_disagree_are_reported(school):
    job = imported([roster_row(school, 学校="别的学校")])
    assert only_error(job) == (
        2,
        "学校",
        f"学校代码“{school.code}”是“{school.name}”，与填写的“别的学校”不一致",
    )


def test_school_may_be_named_without_a_code(school):
    job = imported([roster_row(school, 学校代码="", 学校=school.name)])
    assert job.created_rows == 1


def test_same_person_twice_in_a_file_is_reported_on_the_second_row(school):
    row = roster_row(school)
    job = imported([row, dict(row, 姓名="张三丰")])
    assert only_error(job) == (3, "身份证号", "与第2行是同一人（身份证号重复）")


def test_missing_required_cell_is_reported(school):
    job = imported([roster_row(school, 姓名="")])
    assert only_error(job) == (2, "姓名", "“姓名”不能为空")


def test_missing_required_column_rejects_the_file(school):
    row = roster_row(school)
    del row["参加工作年份"]
    job = imported([row])
    assert job.file_errors[0].message == "缺少必填列“参加工作年份”"
    assert job.total_rows == 0
    assert not Teacher.objects.exists()


def test_malformed_date_is_reported(school):
    job = imported([roster_row(school, 出生日期="六月一日")])
    assert only_error(job)[:2] == (2, "出生日期")


def test_malformed_year_is_reported(school):
    job = imported([roster_row(school, 参加工作年份="去年")])
    assert only_error(job) == (2, "参加工作年份", "年份格式不正确，应为“2010”这样的四位年份")


def test_unknown_choice_is_reported_with_the_allowed_values(school):
    job = imported([roster_row(school, 职称="特级")])
    row, column, message = only_error(job)
    assert (row, column) == (2, "职称")
    assert message.startswith("“特级”不是可选的值，可选：正高级教师、高级教师、一级教师")


def test_birth_date_contradicting_the_id_number_is_reported(school):
    job = imported([roster_row(school, 出生日期="1988-06-02")])
    assert only_error(job) == (2, "出生日期", "出生日期与身份证号不一致（身份证号中为1988-06-01）")


def test_gender_contradicting_the_id_number_is_reported(school):
    job = imported([roster_row(school, 性别="女")])
    assert only_error(job) == (2, "性别", "性别与身份证号不一致（身份证号中为男）")


def test_years_teaching_column_sets_the_starting_year(school):
    from django.utils import timezone

    row = roster_row(school)
    del row["参加工作年份"]
    row["教龄"] = "3"
    imported([row])
    assert Teacher.objects.get().teaching_since == timezone.localdate().year - 3


def test_reimporting_the_same_file_reports_every_row_unchanged(school):
    rows = [roster_row(school, 姓名=f"教师{n}") for n in range(3)]
    imported(rows)
    again = imported(rows)
    assert (again.unchanged_rows, again.created_rows, again.updated_rows) == (3, 0, 0)
    assert Teacher.objects.count() == 3
    assert TeacherPosting.objects.count() == 3


def test_changed_cells_update_the_matched_teacher(school):
    row = roster_row(school)
    imported([row])
    job = imported([dict(row, 职称="高级教师", 学科="物理")])
    teacher = Teacher.objects.get()
    assert job.updated_rows == 1
    assert teacher.title == "senior"
    assert [s.name for s in teacher.subjects.all()] == ["物理"]


def test_each_teacher_keeps_the_fields_only_another_row_changed(school):
    first, second = roster_row(school, 姓名="甲"), roster_row(school, 姓名="乙")
    imported([first, second])
    imported([dict(first, 职称="高级教师"), dict(second, 电话="13900000000")])
    titles = dict(Teacher.objects.values_list("name", "title"))
    phones = dict(Teacher.objects.values_list("name", "phone"))
    assert titles == {"甲": "senior", "乙": "first"}
    assert phones == {"甲": "13800000000", "乙": "13900000000"}


def test_export_imports_back_unchanged(school):
    imported([roster_row(school, 姓名=f"教师{n}", 学科="") for n in range(2)])
    imported([roster_row(school, 姓名="李四", 名师="是", 电话="")])
    out = io.BytesIO()
    export_roster(out, "xlsx", by=None)
    out.seek(0)
    upload = table_file([], [])
    upload.file = out
    job = run_import(RosterImport(by=None), upload, by=None, commit=True)
    assert (job.total_rows, job.unchanged_rows) == (3, 3)


def test_gbk_csv_as_chinese_excel_saves_it_is_read(school):
    row = roster_row(school, 姓名="欧阳修")
    job = run_import(
        RosterImport(by=None), gbk_csv(list(row), [list(row.values())]), by=None, commit=True
    )
    assert job.created_rows == 1
    assert Teacher.objects.get().name == "欧阳修"


def test_utf8_csv_with_bom_is_read(school):
    job = imported([roster_row(school, 姓名="司马光")], fmt="csv")
    assert job.created_rows == 1
    assert Teacher.objects.get().name == "司马光"


def test_school_admin_cannot_import_into_another_school(school, school_admin):
    neighbour = SchoolFactory(zone=school.zone)
    job = imported([roster_row(neighbour)], by=school_admin)
    assert only_error(job)[:2] == (2, "学校")
    assert "您只能导入本校教师" in only_error(job)[2]


def test_school_admin_cannot_take_a_teacher_from_another_school(school, school_admin):
    row = roster_row(SchoolFactory(zone=school.zone))
    imported([row])
    job = imported([dict(row, 学校代码=school.code, 学校=school.name)], by=school_admin)
    assert only_error(job) == (2, "学校", "该教师在其他学校，请联系教育局办理调动")


def test_region_importer_moving_a_teacher_records_a_transfer(school, bureau_admin):
    before = SchoolFactory(zone=school.zone)
    row = roster_row(before)
    imported([row])
    job = imported([dict(row, 学校代码=school.code, 学校=school.name)], by=bureau_admin)
    teacher = Teacher.objects.get()
    assert job.updated_rows == 1
    assert (teacher.school, teacher.org_path) == (school, school.org_path)
    postings = list(teacher.postings.order_by("start_date", "pk").values_list("school", "end_date"))
    assert [p[0] for p in postings] == [before.pk, school.pk]
    assert postings[1][1] is None


def test_existing_teacher_is_matched_by_id_number(school):
    number = new_id_number()
    existing = TeacherFactory(school=school, id_number=number, name="旧名字")
    imported([roster_row(school, 身份证号=number, 姓名="新名字")])
    existing.refresh_from_db()
    assert existing.name == "新名字"
    assert Teacher.objects.count() == 1


def test_school_admin_sees_their_own_jobs_only(school, school_admin):
    imported([roster_row(school)], by=school_admin, commit=False)
    other = UserFactory()
    grant(other, "school_admin", school=school)
    assert import_job_list(school_admin, kind="roster").count() == 1
    assert import_job_list(other, kind="roster").count() == 0


def test_region_staff_see_the_jobs_of_their_region(school, school_admin, bureau_admin):
    imported([roster_row(school)], by=school_admin, commit=False)
    assert import_job_list(bureau_admin, kind="roster").count() == 1


def test_an_age_unlikely_for_a_teacher_is_warned_and_the_row_still_imported(school):
    number = idnumbers.compose("330302", datetime.date(1950, 6, 1), 11)
    row = roster_row(school, 身份证号=number, 出生日期="1950-06-01", 参加工作年份="1972")
    job = imported([row])
    assert (job.created_rows, job.rejected_rows) == (1, 0)
    assert [(w.row_number, w.column) for w in job.warnings] == [(2, "身份证号")]
    assert "岁" in job.warnings[0].message


def test_a_serving_teachers_age_raises_no_warning(school):
    assert imported([roster_row(school)]).warnings == []
