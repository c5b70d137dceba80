"""The forced password change: after a first login or a reset, nothing but the change page.

Someone else chose the password of a new or reset account (``User.must_change_password``),
so until the holder picks their own, pages redirect to the change page and session API
calls answer 403 with a code. API calls that carry their own credentials (a Bearer
token, a study pass) are not the browser session and pass untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from yanxiu.orgs.services import password_changed

# Pages a user who must change their password may still open.
ALLOWED_URL_NAMES = frozenset({"password_change", "password_change_done", "logout", "set_language"})
# Headers by which an API call brings its own credentials instead of the session.
OWN_CREDENTIALS = ("HTTP_AUTHORIZATION", "HTTP_X_STUDY_PASS")


def _allowed(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).url_name in ALLOWED_URL_NAMES
    except Resolver404:
        return False


class PasswordChangeRequiredMiddleware:
    """Send a user who must change their password to the change page first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith("/api/")
        # Checked before request.user, so that token and study-pass calls never load the session.
        if is_api and any(request.META.get(h) for h in OWN_CREDENTIALS):
            return self.get_response(request)
        user: Any = request.user
        if not user.is_authenticated or not user.must_change_password or _allowed(request):
            return self.get_response(request)
        if is_api:
            return JsonResponse(
                {"detail": _("请先修改初始密码后再使用"), "code": "password_change_required"},
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        target = reverse("password_change")
        if request.headers.get("HX-Request") == "true":
            # An HTMX request would swap the change page into a fragment; load it whole.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change page; saving it ends the forced change."""

    # Not registration/…: django.contrib.admin ships one by that name, and comes first.
    template_name = "web/password_change_form.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(form.user)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The view is login-only, so request.user is a User, never AnonymousUser.
        context["forced"] = self.request.user.must_change_password  # type: ignore[union-attr]
        return context
