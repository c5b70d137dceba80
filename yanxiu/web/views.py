"""Pages that belong to no single domain: the home page of each role, the health check.

Uploaded files have no page of their own here: each is served by its owner's app, after
loading the owning object through its scope (``yanxiu.core.uploads_serving``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.learning import store as study_store
from yanxiu.orgs.selectors import home_context

# What /healthz says of each part.
UP, DOWN, NOT_CONFIGURED = "ok", "unavailable", "not_configured"


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The landing page: one section per role the user holds, over their own scope."""
    context = home_context(request.user, this_year=timezone.localdate().year)
    return render(request, "web/home.html", context)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return DOWN
    return UP


def _redis_state() -> str:
    if study_store.redis_url() is None:
        return NOT_CONFIGURED
    try:
        study_store.get_store().ping()
    except study_store.StudyStoreUnavailable:
        return DOWN
    return UP


def healthz(request: HttpRequest) -> JsonResponse:
    """Health probe for the reverse proxy and monitoring: the database and the study store's
    Redis (only when one is configured), each by name; 503 when either is down."""
    parts = {"database": _database_state(), "redis": _redis_state()}
    healthy = DOWN not in parts.values()
    return JsonResponse(
        {"status": UP if healthy else DOWN, **parts}, status=200 if healthy else 503
    )
