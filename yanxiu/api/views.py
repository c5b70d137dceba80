"""The page where a person makes and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.api.forms import NewTokenForm
from yanxiu.api.models import ApiToken
from yanxiu.api.services import issue_token, revoke_token
from yanxiu.core.http import AuthedHttpRequest


@login_required
def token_list(request: AuthedHttpRequest) -> HttpResponse:
    """List the user's tokens; a POST makes one and shows its key on this response only."""
    new_key = None
    form = NewTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = issue_token(request.user, name=form.cleaned_data["name"])
        form = NewTokenForm()
    tokens = ApiToken.objects.owned_by(request.user)
    response = render(
        request, "api/token_list.html", {"tokens": tokens, "form": form, "new_key": new_key}
    )
    # The key must not linger in any cache once the page is left.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.owned_by(request.user), pk=token_id)
    revoke_token(token)
    messages.success(request, _("令牌“%(name)s”已吊销") % {"name": token.name})
    return redirect("api_tokens:list")
