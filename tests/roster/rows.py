"""Roster rows for tests: valid by default, any column overridden by its Chinese header."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.imports.files import table_file
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import School
from yanxiu.roster.importer import HEADERS

_sequence = itertools.count(101, 2)


def new_id_number(born: datetime.date = datetime.date(1988, 6, 1), male: bool = True) -> str:
    sequence = next(_sequence) + (0 if male else 1)
    return idnumbers.compose("330302", born, sequence)


def roster_row(school: School, **overrides: str) -> dict[str, str]:
    """A valid row for ``school``; pass e.g. ``姓名="李四"`` to change a cell."""
    row = {
        "姓名": "张三",
        "身份证号": new_id_number(),
        "性别": "男",
        "出生日期": "1988-06-01",
        "学校代码": school.code,
        "学校": school.name,
        "学段": "小学",
        "学科": "语文、数学",
        "职称": "一级教师",
        "参加工作年份": "2010",
        "学历": "本科",
        "骨干级别": "区级骨干",
        "班主任": "是",
        "新教师": "否",
        "名师": "否",
        "行政职务": "无",
        "用工性质": "在编在岗",
        "电话": "13800000000",
    }
    row.update(overrides)
    return row


def roster_file(rows: list[dict[str, str]], fmt: str = "xlsx") -> SimpleUploadedFile:
    header = list(HEADERS) if not rows else list(rows[0])
    return table_file(header, [[row.get(h, "") for h in header] for row in rows], fmt)
