"""Template filters for the report pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django import template

from yanxiu.credits.policy import CATEGORIES, plain

register = template.Library()


@register.filter
def per_category(values: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(category, value) pairs in the policy's category order, for one table cell each."""
    return [(c, values[c]) for c in CATEGORIES]


@register.filter
def gaps(shortfalls: Sequence[tuple[str, Decimal]]) -> str:
    """A teacher's shortfall per category: "集中培训 6 / 网络培训 8 / 校本研训 8"."""
    return " / ".join(f"{label} {plain(amount)}" for label, amount in shortfalls)


@register.filter
def percent(share: Decimal) -> str:
    """0.9205 → "92%", 0.796 → "79.6%": one decimal where it matters, cut rather than
    rounded, so a school at 79.96% never reads 80% beside 不合格."""
    return f"{plain((share * 100).quantize(Decimal('0.1'), rounding=ROUND_DOWN))}%"
