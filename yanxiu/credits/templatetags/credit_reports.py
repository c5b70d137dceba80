"""Template filters for the report pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from yanxiu.credits.policy import CATEGORIES

register = template.Library()


@register.filter
def per_category(values: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(category, value) pairs in the policy's category order, for one table cell each."""
    return [(c, values[c]) for c in CATEGORIES]
