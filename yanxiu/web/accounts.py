"""Sign-out: Django's LogoutView, which also voids the user's study passes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from yanxiu.learning import passes


class LogoutView(auth_views.LogoutView):
    """Signs out; a player page left open (on a shared computer, say) then stops counting."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            passes.revoke_for(request.user)
        return super().post(request, *args, **kwargs)
