"""Login throttling with django-axes: who the client is, when to lock, what they are told.

A school, or a whole county network, often reaches us through one NAT address, and
usernames follow a predictable rule, so locking by either alone would let anyone lock
others out. Axes locks a username at one address (``AXES_FAILURE_LIMIT`` failures within
``AXES_COOLOFF_TIME``); ``LoginAttempts`` adds a much higher ceiling for the address
alone (``LOGIN_FAILURES_PER_ADDRESS``), which axes cannot express: it compares every
lockout parameter with the same limit. Bureau admins see and lift the lockouts of the
people they manage (``locked_logins``, ``unlock_login``); superusers also have axes' admin.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.orgs.models import Role, User
from yanxiu.orgs.scoping import path_q, scope_of


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
            return max(failures, int(get_failure_limit(request, credentials)))
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


@dataclass(frozen=True)
class LockedLogin:
    """A username locked at one address, as a bureau admin sees it."""

    username: str
    ip_address: str
    failures: int
    last_attempt: datetime.datetime


def _unlockable(by: User) -> QuerySet[User]:
    """The accounts whose lockouts ``by`` may lift: people on the roster they manage."""
    scope = scope_of(by)
    if not scope.has_role(Role.BUREAU_ADMIN):
        raise PermissionDenied(_("只有教育局管理员可以解除登录锁定"))
    if scope.is_superuser:
        return User.objects.all()
    return User.objects.filter(
        path_q(scope.manage_paths, "teacher__org_path")
        | path_q(scope.manage_paths, "role_assignments__scope_path")
    )


def locked_logins(by: User) -> list[LockedLogin]:
    """Usernames locked now at some address, among the accounts ``by`` manages."""
    rows = (
        AccessAttempt.objects.filter(
            username__in=_unlockable(by).values("username"),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [LockedLogin(**row) for row in rows]


def unlock_login(username: str, *, by: User) -> int:
    """Forget the failed logins of one account at every address; how many records went."""
    if not _unlockable(by).filter(username=username).exists():
        raise Http404
    deleted: int = AccessAttempt.objects.filter(username=username).delete()[0]
    return deleted
