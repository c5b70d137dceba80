"""Template filters for the report pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import template

from yanxiu.credits.policy import CATEGORIES
from yanxiu.credits.rows import plain

register = template.Library()


@register.filter
def per_category(values: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(category, value) pairs in the policy's category order, for one table cell each."""
    return [(c, values[c]) for c in CATEGORIES]


@register.filter
def gaps(shortfalls: Sequence[tuple[str, Decimal]]) -> str:
    """A teacher's shortfall per category: "集中培训 6 / 网络培训 8 / 校本研训 8"."""
    return " / ".join(f"{label} {plain(amount)}" for label, amount in shortfalls)
