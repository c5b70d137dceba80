"""Small helpers for every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet


def limit_choices(field: forms.Field, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in a model choice field of a form's ``fields`` (which the type
    checker knows only as plain ``Field``s), as a form narrows its choices to the user's scope."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
