"""The audit log: registering a model, reading its latest changes, and a middleware that
resolves the user only when a change is logged.

``register`` tracks a model's own columns. django-auditlog's default also records every
reverse relation when a row is created ("credits.TeacherYearTotal.None" and the like,
jazzband/django-auditlog#551), noise that breaks the change display once a related model
has a composite primary key.

django-auditlog's own middleware checks ``request.user`` on every request, which
loads the session and the user from the database even for requests that change
nothing, such as the study player's heartbeats. This one hands auditlog the lazy
user unevaluated: auditlog tests it with ``isinstance(actor, User)`` when it saves a
log entry, and only then is it loaded (an anonymous visitor is not a ``User``, so it
is left out, as before).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import models
from django.http import HttpRequest


def register(
    model: type[models.Model], *, exclude_fields: Iterable[str] = (), **options: Any
) -> None:
    """Audit ``model``'s own columns (less ``exclude_fields``), never its reverse relations."""
    left_out = set(exclude_fields)
    auditlog.register(
        model,
        include_fields=[f.name for f in model._meta.local_fields if f.name not in left_out],
        **options,
    )


def latest_changes(obj: models.Model, limit: int = 20) -> list[LogEntry]:
    """Who changed ``obj`` and how, newest first (none for an object not saved yet);
    shown by the template ``web/_changes.html``."""
    if obj.pk is None:
        return []
    return list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:limit]
    )


class LazyActorAuditlogMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_actor(request: HttpRequest) -> Any:
        return getattr(request, "user", None)
