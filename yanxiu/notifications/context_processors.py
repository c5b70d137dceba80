"""The unread count shown on the bell in every page's top bar."""

from __future__ import annotations

from django.http import HttpRequest

from yanxiu.notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
