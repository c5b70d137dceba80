import datetime
import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import SchoolFactory, TeacherFactory, UserFactory
from tests.training.factories import EnrollmentFactory, SessionFactory
from tests.training.sheets import import_sheet
from yanxiu.imports.models import ImportJob
from yanxiu.orgs import idnumbers
from yanxiu.training.models import Attendance, AttendanceMethod
from yanxiu.training.services import TrainingError
from yanxiu.training.services.attendance import mark_attendance

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
    report = import_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert report.marked == 1
    assert Attendance.objects.get(session=session).method == AttendanceMethod.SHEET


def test_a_paper_sheet_by_name_and_school_marks_attendance(
    session, teacher, admitted, center_staff
):
    sheet = f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode()
    report = import_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert report.marked == 1


def test_a_paper_sheet_reports_each_bad_row(session, teacher, admitted, center_staff):
    sheet = (
        f"姓名,学校,身份证号\n{teacher.name},{teacher.school.name},\n陌生人,某小学,\n,,123\n"
    ).encode()
    report = import_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert [(r.line, r.ok) for r in report.rows] == [(2, True), (3, False), (4, False)]
    assert "不在本班录取名单中" in report.rows[1].message
    assert report.rows[2].message == "身份证号应为18位"


def test_reimporting_a_sheet_adds_nothing(session, teacher, admitted, center_staff):
    sheet = f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode()
    for _ in range(2):
        import_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert Attendance.objects.filter(session=session).count() == 1


def test_two_namesakes_at_one_school_need_the_id_number(session, teacher, admitted, center_staff):
    twin = TeacherFactory(school=teacher.school, name=teacher.name, user=UserFactory())
    EnrollmentFactory(course=session.course, teacher=twin)
    sheet = f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode()
    report = import_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert "请填写身份证号" in report.rows[0].message


def test_a_sheet_without_the_needed_columns_is_refused(session, center_staff):
    job = import_sheet(session, by=center_staff, name="a.csv", content=b"x,y\n1,2\n").job
    assert not job.can_commit
    assert "身份证号" in job.file_errors[0].message


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
    preview = client.post(
        f"/training/sessions/{session.pk}/attendance/", {"sheet": buffer}, follow=True
    )
    assert not Attendance.objects.filter(session=session).exists()
    job = ImportJob.objects.get()
    assert job.valid_rows == 1
    page = client.post(reverse("training:sheet_commit", args=[session.pk, job.pk]), follow=True)
    assert preview.status_code == 200
    assert "成功1行，失败0行" in page.content.decode()


def test_the_sheet_preview_shows_each_refused_row(client, session, teacher, admitted, center_staff):
    client.force_login(center_staff)
    upload = SimpleUploadedFile("签到.csv", "姓名,学校\n陌生人,某小学\n".encode())
    page = client.post(
        f"/training/sessions/{session.pk}/attendance/", {"sheet": upload}, follow=True
    )
    assert "某小学的陌生人不在本班录取名单中" in page.content.decode()
    job = ImportJob.objects.get()
    errors = client.get(reverse("training:sheet_errors", args=[session.pk, job.pk]))
    assert errors["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_sheet_of_another_session_cannot_be_committed_into_this_one(
    client, session, teacher, admitted, center_staff
):
    other = SessionFactory(course=session.course)
    job = import_sheet(
        other,
        by=center_staff,
        content=f"姓名,学校\n{teacher.name},{teacher.school.name}\n".encode(),
    ).job
    client.force_login(center_staff)
    response = client.post(reverse("training:sheet_commit", args=[session.pk, job.pk]))
    assert response.status_code == 404


def test_another_schools_teacher_is_not_matched_by_name(session, teacher, admitted, center_staff):
    other = SchoolFactory()
    sheet = f"姓名,学校\n{teacher.name},{other.name}\n".encode()
    report = import_sheet(session, by=center_staff, name="签到.csv", content=sheet)
    assert report.marked == 0
