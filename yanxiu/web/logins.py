"""Login throttling with django-axes: who the client is, when to lock, what they are told.

A school, or a whole county network, often reaches us through one NAT address, and
usernames follow a predictable rule, so locking by either alone would let anyone lock
others out. Axes locks a username at one address (``AXES_FAILURE_LIMIT`` failures within
``AXES_COOLOFF_TIME``); ``LoginAttempts`` adds a much higher ceiling for the address
alone (``LOGIN_FAILURES_PER_ADDRESS``), which axes cannot express: it compares every
lockout parameter with the same limit.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from axes.attempts import get_cool_off_threshold  # type: ignore[import-untyped]
from axes.handlers.database import AxesDatabaseHandler  # type: ignore[import-untyped]
from axes.helpers import get_cool_off, get_failure_limit  # type: ignore[import-untyped]
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the outermost of our own proxies saw it.

    With ``TRUSTED_PROXY_COUNT`` = n proxies in front (each appending the address it saw
    to ``CLIENT_ADDRESS_HEADER``, as nginx's ``$proxy_add_x_forwarded_for`` does), the
    client is the n-th entry from the right; entries further left were written by the
    client and prove nothing. With no proxy, or a header shorter than expected (the
    request did not come through the proxies), the socket's address counts.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    header = request.META.get(settings.CLIENT_ADDRESS_HEADER, "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class LoginAttempts(AxesDatabaseHandler):
    """Axes' database handler, plus the ceiling of failures per address alone."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures: int = super().get_failures(request, credentials)
        by_address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(n=Sum("failures_since_start"))["n"]
        if (by_address or 0) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The lockout page of /accounts/login/ and /admin/login/, in the user's language.

    Every attempt during the lockout is counted and restarts it, so the wait is the
    whole cool-off from now.
    """
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=429,
    )
