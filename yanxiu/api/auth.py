"""How API callers prove who they are: a Bearer token, the browser's session, or a study pass."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from yanxiu.api.services import user_for_key
from yanxiu.learning import passes
from yanxiu.orgs.models import User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer yx_…`` with a live API token; no CSRF, as browsers never send it."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_key(token)
        if user is not None:
            # Code that reads request.user (audit log, rules) sees the token's owner.
            request.user = user
        return user


class StudyPassAuth(APIKeyHeader):
    """``X-Study-Pass``: the signed pass of the player page (yanxiu/learning/passes.py).

    Heartbeats checked this way read neither the session nor the user from the
    database. A header, unlike a cookie, is never sent by a forged form, so no CSRF.
    """

    param_name = "X-Study-Pass"

    def authenticate(self, request: HttpRequest, key: str | None) -> passes.Learner | None:
        return passes.read(key) if key else None
