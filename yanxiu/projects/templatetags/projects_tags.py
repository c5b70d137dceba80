"""Template helpers for project pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

TONES = {
    "approved": "ok",
    "certified": "ok",
    "in_progress": "ok",
    "returned": "bad",
    "rejected": "bad",
    "submitted": "warn",
    "resubmitted": "warn",
    "evidence_submitted": "warn",
}


@register.filter
def state_tone(state: str) -> str:
    """The badge colour of a project state: ok, warn, bad or plain."""
    return TONES.get(state, "")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
