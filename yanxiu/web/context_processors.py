"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from yanxiu.orgs.scoping import scope_of
from yanxiu.web.navigation import MENU


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu entries this user may use, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    items = []
    for item in MENU:
        if not item.shown_to(scope):
            continue
        url = reverse(item.url_name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": item.label, "url": url, "current": current})
    return {"nav_items": items}
