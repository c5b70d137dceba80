"""Importing a typed-up paper sign-in sheet into an activity's attendance."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.factories import TeacherFactory
from tests.projects.factories import ProjectActivityFactory
from yanxiu.orgs import idnumbers
from yanxiu.projects.models import ProjectState
from yanxiu.projects.services import ProjectError, import_attendance


@pytest.fixture
def activity(project, staff):
    project.state = ProjectState.IN_PROGRESS
    project.save()
    activity = ProjectActivityFactory(project=project)
    for teacher in staff:
        activity.attendance.create(teacher=teacher)
    return activity


def sheet(*lines):
    return "\n".join(lines).encode("utf-8")


def present(activity):
    return set(activity.attendance.filter(attended=True).values_list("teacher_id", flat=True))


def test_listed_teachers_are_marked_present(activity, school_admin, staff):
    content = sheet("姓名", staff[0].name, staff[1].name)
    report = import_attendance(activity, by=school_admin, name="签到.csv", content=content)
    assert (report.marked, present(activity)) == (2, {staff[0].pk, staff[1].pk})


def test_an_absent_mark_keeps_the_teacher_absent(activity, school_admin, staff):
    content = sheet("姓名,出勤", f"{staff[0].name},是", f"{staff[1].name},否")
    import_attendance(activity, by=school_admin, name="签到.csv", content=content)
    assert present(activity) == {staff[0].pk}


def test_each_unusable_row_is_reported_and_the_good_ones_still_count(activity, school_admin, staff):
    content = sheet("姓名,出勤", "不认识的人,是", f"{staff[2].name},也许")
    content += sheet("", f"{staff[0].name},√")
    report = import_attendance(activity, by=school_admin, name="签到.csv", content=content)
    assert [line for line, _ in report.problems] == [2, 3]
    assert "不是本活动的参加者" in report.problems[0][1]
    assert present(activity) == {staff[0].pk}


def test_namesakes_are_told_apart_by_id_number(activity, school_admin, project):
    twin_a = TeacherFactory(school=project.school, name="王芳")
    twin_b = TeacherFactory(school=project.school, name="王芳")
    activity.attendance.create(teacher=twin_a)
    activity.attendance.create(teacher=twin_b)
    number = idnumbers.compose("330302", twin_b.birth_date, 999)
    twin_b.id_number_hash = idnumbers.digest(number)
    twin_b.save()
    content = sheet("姓名,身份证号", "王芳,", f"王芳,{number}")
    report = import_attendance(activity, by=school_admin, name="签到.csv", content=content)
    assert "请填写身份证号" in report.problems[0][1]
    assert present(activity) == {twin_b.pk}


def test_a_sheet_without_a_name_column_is_refused(activity, school_admin):
    with pytest.raises(ProjectError, match="姓名"):
        import_attendance(activity, by=school_admin, name="签到.csv", content=sheet("学校", "x"))


def test_the_activity_page_imports_a_sheet(client, activity, school_admin, staff):
    upload = SimpleUploadedFile("签到.csv", sheet("姓名", staff[0].name))
    response = login(client, school_admin).post(
        reverse("projects:activity", args=[activity.pk]),
        {"import": "1", "sheet": upload},
        follow=True,
    )
    assert "1 人出勤" in response.content.decode()
