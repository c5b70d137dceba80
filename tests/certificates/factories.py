"""Helpers for certificate tests: a teacher whose year passes under the seed policy."""

from __future__ import annotations

from tests.credits.factories import credit
from yanxiu.orgs.models import Teacher

# The seed policy's minimums: 16 centralized, 8 online, 24 school-based credits.
PASSING_YEAR = {"centralized": 16, "online": 8, "school_based": 24}


def pass_the_year(teacher: Teacher, year: int = 2026) -> None:
    for category, amount in PASSING_YEAR.items():
        credit(teacher, amount, category=category, year=year, reason=f"{category} 测试")
