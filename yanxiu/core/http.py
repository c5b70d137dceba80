"""Request types for views that require a logged-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # For the type checker only: at run time core imports no other yanxiu app (the
    # import-linter contract ignores this one type-only edge, see pyproject.toml).
    from yanxiu.orgs.models import User


class AuthedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real user."""

    user: User
    htmx: HtmxDetails
