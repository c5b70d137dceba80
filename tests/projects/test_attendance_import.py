"""Importing a typed-up paper sign-in sheet into an activity's attendance."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.factories import TeacherFactory, UserFactory
from tests.projects.factories import ProjectActivityFactory
from yanxiu.imports.models import ImportJob, Outcome
from yanxiu.orgs import idnumbers
from yanxiu.projects.attendance_import import commit_activity_sheet, preview_activity_sheet
from yanxiu.projects.models import ProjectState
from yanxiu.projects.services import ProjectError


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


@dataclass(frozen=True)
class AttendanceImport:
    """The sheet's job, and as the page reports it: who attended, each unusable row."""

    job: ImportJob
    marked: int
    problems: list[tuple[int, str]]


def import_attendance(activity, *, by, name, content) -> AttendanceImport:
    """Preview the sheet, then commit it, as the activity page does."""
    job = preview_activity_sheet(activity, SimpleUploadedFile(name, content), by=by)
    if job.can_commit:
        commit_activity_sheet(activity, job, by=by)
    problems = [
        (row.row_number, "；".join(e.message for e in row.errors))
        for row in job.row_reports(Outcome.REJECTED)
    ]
    return AttendanceImport(job, len(present(activity)), problems)


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
    job = import_attendance(
        activity, by=school_admin, name="签到.csv", content=sheet("学校", "x")
    ).job
    assert not job.can_commit
    assert "姓名" in job.file_errors[0].message


def test_the_preview_marks_nobody(activity, school_admin, staff):
    upload = SimpleUploadedFile("签到.csv", sheet("姓名", staff[0].name))
    job = preview_activity_sheet(activity, upload, by=school_admin)
    assert (job.valid_rows, present(activity)) == (1, set())


def test_a_teacher_cannot_import_a_sheet(activity, staff):
    upload = SimpleUploadedFile("签到.csv", sheet("姓名", staff[0].name))
    with pytest.raises(ProjectError, match="本校管理员"):
        preview_activity_sheet(activity, upload, by=UserFactory())


def test_the_activity_page_imports_a_sheet(client, activity, school_admin, staff):
    upload = SimpleUploadedFile("签到.csv", sheet("姓名", staff[0].name))
    preview = login(client, school_admin).post(
        reverse("projects:activity", args=[activity.pk]),
        {"import": "1", "sheet": upload},
        follow=True,
    )
    job = ImportJob.objects.get()
    assert (preview.status_code, present(activity)) == (200, set())
    response = client.post(
        reverse("projects:sheet_commit", args=[activity.pk, job.pk]), follow=True
    )
    assert "1 人出勤" in response.content.decode()
