import datetime
import io

import pytest
import xlsxwriter

from tests.factories import SchoolFactory, TeacherFactory, UserFactory
from tests.training.factories import EnrollmentFactory
from yanxiu.orgs import idnumbers
from yanxiu.training.models import Attendance, AttendanceMethod
from yanxiu.training.services import TrainingError
from yanxiu.training.services.attendance import mark_attendance
from yanxiu.training.services.sheets import import_sign_in_sheet

pytestmark = pytest.mark.django_db

ID_NUMBER = idnumbers.compose("330302", datetime.date(1990, 5, 1), 77)


@pytest.fixture
def admitted(session, teacher):
    return EnrollmentFactory(course=session.course, teacher=teacher)


def test_marking_by_hand_needs_a_reason(session, teacher, admitted, center_staff):
    with pytest.raises(TrainingError, match="必须填写原因"):
        mark_attendance(session, teacher, by=center_staff, present=True, reason="")


def test_marking_by_hand_keeps_who_and_why(session, teacher, admitted, center_staff):
    row = mark_attendance(
        session, teacher, by=center_staff, present=True, reason="手机没电，现场核实"
    )
    assert (row.method, row.marked_by, row.reason) == (
        AttendanceMethod.MANUAL,
        center_staff,
        "手机没电，现场核实",
    )


def test_a_teacher_cannot_mark_attendance(session, teacher, admitted):
    with pytest.raises(TrainingError, match="负责人或培训中心"):
        mark_attendance(session, teacher, by=teacher.user, present=True, reason="我来了")


def test_a_teacher_outside_the_class_cannot_be_marked(session, teacher, center_staff):
    with pytest.raises(TrainingError, match="未被录取到本培训班"):
        mark_attendance(session, teacher, by=center_staff, present=True, reason="补签")


def test_a_paper_sheet_by_id_number_marks_attendance(session, school, center_staff):
    teacher = TeacherFactory(school=school, id_number=ID_NUMBER)
    EnrollmentFactory(course=session.course, teacher=teacher)
    sheet = f"姓名,身份证号\n{teacher.name},{ID_NUMBER}\n".encode()
    report = import_sign_in_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert report.marked == 1
    assert Attendance.objects.get(session=session).method == AttendanceMethod.SHEET


def test_a_paper_sheet_by_name_and_school_marks_attendance(
    session, teacher, admitted, center_staff
):
    sheet = f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode()
    report = import_sign_in_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert report.marked == 1


def test_a_paper_sheet_reports_each_bad_row(session, teacher, admitted, center_staff):
    sheet = (
        f"姓名,学校,身份证号\n{teacher.name},{teacher.school.name},\n陌生人,某小学,\n,,123\n"
    ).encode()
    report = import_sign_in_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert [(r.line, r.ok) for r in report.rows] == [(2, True), (3, False), (4, False)]
    assert "不在本班录取名单中" in report.rows[1].message
    assert report.rows[2].message == "身份证号应为18位"


def test_reimporting_a_sheet_adds_nothing(session, teacher, admitted, center_staff):
    sheet = f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode()
    for _ in range(2):
        import_sign_in_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert Attendance.objects.filter(session=session).count() == 1


def test_two_namesakes_at_one_school_need_the_id_number(session, teacher, admitted, center_staff):
    twin = TeacherFactory(school=teacher.school, name=teacher.name, user=UserFactory())
    EnrollmentFactory(course=session.course, teacher=twin)
    sheet = f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode()
    report = import_sign_in_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert "请改用身份证号" in report.rows[0].message


def test_a_sheet_without_the_needed_columns_is_refused(session, center_staff):
    with pytest.raises(TrainingError, match="身份证号"):
        import_sign_in_sheet(session, by=center_staff, name="a.csv", content=b"x,y\n1,2\n")


def test_the_attendance_page_imports_an_xlsx_sheet(
    client, session, teacher, admitted, center_staff
):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "学校"])
    sheet.write_row(1, 0, [teacher.name, teacher.school.name])
    book.close()
    buffer.name = "签到表.xlsx"
    buffer.seek(0)
    client.force_login(center_staff)
    page = client.post(f"/training/sessions/{session.pk}/attendance/", {"sheet": buffer})
    assert "成功1行，失败0行" in page.content.decode()


def test_another_schools_teacher_is_not_matched_by_name(session, teacher, admitted, center_staff):
    other = SchoolFactory()
    sheet = f"姓名,学校\n{teacher.name},{other.name}\n".encode()
    report = import_sign_in_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert report.marked == 0
