"""Factories and helpers for credit tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tests.factories import TeacherFactory, UserFactory
from yanxiu.credits.models import CreditEntry, Unit
from yanxiu.credits.services import post_credit
from yanxiu.orgs.models import Teacher, User


def certifier() -> User:
    return UserFactory(username="certifier")


def credit(
    teacher: Teacher | None = None,
    amount: str | int | Decimal = 8,
    *,
    category: str = "centralized",
    year: int = 2026,
    unit: str = Unit.CREDIT,
    source: object = None,
    occurred_on: datetime.date | None = None,
    reason: str = "测试登记",
) -> CreditEntry:
    """Post a credit through the service, as every real credit is."""
    return post_credit(
        teacher=teacher or TeacherFactory(),
        year=year,
        category=category,
        amount=Decimal(amount),
        unit=unit,
        source=source,  # type: ignore[arg-type]
        certified_by=certifier(),
        occurred_on=occurred_on or datetime.date(year, 5, 1),
        reason=reason,
    )


def full_year(
    teacher: Teacher, centralized: int = 16, online: int = 8, school_based: int = 24
) -> None:
    """Credit the seed policy's yearly minimums (48 = 16 + 8 + 24) to ``teacher``."""
    for category, amount in (
        ("centralized", centralized),
        ("online", online),
        ("school_based", school_based),
    ):
        if amount:
            credit(teacher, amount, category=category)
