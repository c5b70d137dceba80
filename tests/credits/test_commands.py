"""Command line: set_policy / show_policy round trip, compliance_report, recompute."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.credits.factories import credit
from tests.factories import SchoolFactory, TeacherFactory
from yanxiu.credits.models import TeacherYearTotal
from yanxiu.credits.policy import policy_terms_for

pytestmark = pytest.mark.django_db

POLICY_YAML = """
region: "{code}"
year: 2026
annual:
  unit: credit
  total: 48
  minimums: {{centralized: 16, online: 8, school_based: 24}}
hours_per_credit: {{online: 2}}
excluded_activity_types: [routine_meeting, political_study, recreation]
school_fail_threshold: 0.2
periods:
  - name: 网络研修项目
    start: 2026-03-01
    end: 2026-10-31
    unit: hour
    minimums:
      - {{label: 线上, categories: [online], amount: 50}}
      - {{label: 线下, categories: [centralized, school_based], amount: 20}}
cycle: {{start_year: 2022, years: 5, unit: hour, total: 360, yearly_minimum: 24,
         caps: {{school_based: 120}}}}
"""


def test_set_policy_stores_a_version_that_show_policy_prints_back(tmp_path, school):
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY_YAML.format(code=school.region.code), encoding="utf-8")
    call_command("set_policy", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("show_policy", "--year", "2026", "--region", school.region.code, stdout=out)
    shown = yaml.safe_load(out.getvalue())
    assert shown["hours_per_credit"]["online"] == 2
    assert shown["cycle"]["caps"] == {"school_based": 120}
    assert shown["periods"][0]["minimums"][0]["amount"] == 50


def test_set_policy_explains_errors_in_chinese(tmp_path, school):
    path = tmp_path / "bad.yaml"
    path.write_text(
        f'region: "{school.region.code}"\nyear: 2026\n'
        "annual: {total: 10, minimums: {online: 20}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="超过了年度总量"):
        call_command("set_policy", str(path))


def test_last_years_results_keep_last_years_rules(tmp_path, school):
    path = tmp_path / "p.yaml"
    path.write_text(
        f'region: "{school.region.code}"\nyear: 2027\nannual: {{total: 60}}\n', encoding="utf-8"
    )
    call_command("set_policy", str(path), stdout=io.StringIO())
    assert policy_terms_for(school.region.pk, 2026).total == Decimal(48)
    assert policy_terms_for(school.region.pk, 2028).total == Decimal(60)


def test_compliance_report_writes_the_school_rows_as_csv(tmp_path, zone):
    school = SchoolFactory(zone=zone, name="第一小学")
    credit(TeacherFactory(school=school), 48)
    out = tmp_path / "r.csv"
    call_command(
        "compliance_report",
        "--year",
        "2026",
        "--level",
        "school",
        "--format",
        "csv",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("代码,名称")
    assert "第一小学" in lines[1]


def test_compliance_report_writes_teacher_rows_as_xlsx(tmp_path, school):
    TeacherFactory(school=school, name="张老师")
    out = tmp_path / "r.xlsx"
    call_command(
        "compliance_report",
        "--year",
        "2026",
        "--level",
        "teacher",
        "--format",
        "xlsx",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(2, 1).value == "张老师"


def test_recompute_credit_totals_rebuilds_the_summary(school):
    teacher = TeacherFactory(school=school)
    credit(teacher, 5)
    TeacherYearTotal.objects.all().delete()
    call_command("recompute_credit_totals", "--year", "2026", stdout=io.StringIO())
    assert TeacherYearTotal.objects.get(teacher=teacher).credits == Decimal(5)
