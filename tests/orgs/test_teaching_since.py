"""One start-year rule (参加工作年份) for the edit form, the API and the roster import."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import TokenClient
from tests.conftest import login
from tests.factories import TeacherFactory
from tests.imports.files import temporary_media  # noqa: F401
from tests.roster.rows import roster_file, roster_row
from yanxiu.api.services import issue_token
from yanxiu.imports.engine import run_import
from yanxiu.orgs.models import School, Teacher, User
from yanxiu.orgs.services import teaching_since_problem
from yanxiu.roster.importer import RosterImport

pytestmark = pytest.mark.django_db

BORN = datetime.date(1988, 6, 1)
TOO_YOUNG = "参加工作年份与出生日期不符"


def test_a_start_year_from_the_age_of_fifteen_up_to_this_year_is_fine() -> None:
    assert teaching_since_problem(2003, born=BORN, this_year=2026) is None
    assert teaching_since_problem(2026, born=BORN, this_year=2026) is None


def test_a_start_year_before_fifteen_or_after_this_year_is_refused() -> None:
    assert teaching_since_problem(2002, born=BORN, this_year=2026) == TOO_YOUNG
    assert teaching_since_problem(2027, born=BORN, this_year=2026) == "参加工作年份不能晚于今年"


def test_the_api_refuses_a_start_year_before_the_teacher_was_fifteen(
    school_admin: User, school: School
) -> None:
    teacher = TeacherFactory(school=school, birth_date=BORN)
    _token, key = issue_token(school_admin, name="测试")

    response = TokenClient(key).patch(f"/api/orgs/teachers/{teacher.pk}", {"teaching_since": 2000})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "teaching_since", "message": TOO_YOUNG}]
    assert Teacher.objects.get(pk=teacher.pk).teaching_since == 2010


def test_the_edit_form_refuses_a_start_year_before_the_teacher_was_fifteen(
    client: Client, school_admin: User, school: School
) -> None:
    teacher = TeacherFactory(school=school, birth_date=BORN)
    data = {
        "name": teacher.name,
        "gender": "M",
        "birth_date": BORN.isoformat(),
        "stage": "primary",
        "title": "first",
        "teaching_since": 2000,
        "degree": "bachelor",
        "backbone_level": "none",
        "leadership_post": "none",
        "employment": "in_post",
        "phone": "",
    }

    response = login(client, school_admin).post(
        reverse("orgs:teacher_edit", args=[teacher.pk]), data
    )

    assert response.status_code == 200
    assert TOO_YOUNG in response.content.decode()
    assert Teacher.objects.get(pk=teacher.pk).teaching_since == 2010


@pytest.mark.usefixtures("temporary_media")
def test_the_roster_import_refuses_a_start_year_before_the_teacher_was_fifteen(
    school: School,
) -> None:
    row = roster_row(school, 参加工作年份="2000")

    job = run_import(RosterImport(by=None), roster_file([row]), by=None, commit=False)

    assert [(e.column, e.message) for e in job.errors()] == [("参加工作年份", TOO_YOUNG)]
