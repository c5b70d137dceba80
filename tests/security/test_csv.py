"""CSV formula injection (issue #9, item 8): no exported cell runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import TeacherFactory
from tests.imports.files import table_bytes
from yanxiu.core.csvsafe import safe_cell
from yanxiu.imports.tables import read_table

HYPERLINK = '=HYPERLINK("http://x.cn","点我")'  # a teacher's name holds 32 characters


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


@pytest.mark.parametrize(
    "value", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", HYPERLINK]
)
def test_a_cell_a_spreadsheet_would_evaluate_is_quoted(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "1+1", "a=b", "", "-2.00", "+3", "-0.5"])
def test_text_and_plain_numbers_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_a_quoted_cell_reads_back_as_the_original_text():
    data = table_bytes(["姓名"], [["=1+1"], ["-2.00"]], "csv")
    assert list(read_table(io.BytesIO(data), "t.csv").rows) == [["=1+1"], ["-2.00"]]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["=1+1", HYPERLINK])
def test_a_formula_name_is_neutralised_in_the_roster_csv(client, school, school_admin, name):
    TeacherFactory(school=school, name=name)
    response = login(client, school_admin).get(reverse("roster:export") + "?format=csv")
    cells = csv_cells(response.getvalue())
    assert "'" + name in cells
    assert name not in cells


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["=1+1", HYPERLINK])
def test_a_formula_name_is_neutralised_in_the_school_report_csv(client, school, school_admin, name):
    TeacherFactory(school=school, name=name)
    response = login(client, school_admin).get(
        reverse("credit_reports:school", args=[school.pk]), {"year": "2026", "format": "csv"}
    )
    cells = csv_cells(response.content)
    assert "'" + name in cells
    assert name not in cells
