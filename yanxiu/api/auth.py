"""How API callers prove who they are: a Bearer token, or the browser's session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from yanxiu.api.services import user_for_key
from yanxiu.orgs.models import User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer yx_…`` with a live API token; no CSRF, as browsers never send it."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_key(token)
        if user is not None:
            # Code that reads request.user (audit log, rules) sees the token's owner.
            request.user = user
        return user
