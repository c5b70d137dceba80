"""Pages that belong to no single domain: the home page of each role, the health check.

Uploaded files have no page of their own here: each is served by its owner's app, after
loading the owning object through its scope (``yanxiu.core.uploads_serving``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yanxiu.orgs.selectors import home_context
from yanxiu.web.http import AuthedHttpRequest


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The landing page: one section per role the user holds, over their own scope."""
    context = home_context(request.user, this_year=timezone.localdate().year)
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the reverse proxy."""
    return HttpResponse("ok", content_type="text/plain")
