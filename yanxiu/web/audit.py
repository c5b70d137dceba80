"""The audit log's middleware, resolving the request's user only when a change is logged.

django-auditlog's own middleware checks ``request.user`` on every request, which
loads the session and the user from the database even for requests that change
nothing, such as the study player's heartbeats. This one hands auditlog the lazy
user unevaluated: auditlog tests it with ``isinstance(actor, User)`` when it saves a
log entry, and only then is it loaded (an anonymous visitor is not a ``User``, so it
is left out, as before).
"""

from __future__ import annotations

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest


class LazyActorAuditlogMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_actor(request: HttpRequest) -> Any:
        return getattr(request, "user", None)
