"""The bureau admin's page of locked logins, with a button that lifts each lockout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.web.logins import locked_logins, unlock_login


@login_required
def lockout_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "web/lockouts.html", {"lockouts": locked_logins(request.user)})


@login_required
@require_POST
def lockout_unlock(request: AuthedHttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")[:150]
    unlock_login(username, by=request.user)
    messages.success(request, _("已解除 %(username)s 的登录锁定") % {"username": username})
    return redirect("lockouts")
