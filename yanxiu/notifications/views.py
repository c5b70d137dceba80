"""The notification list; opening it marks everything read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.notifications import selectors
from yanxiu.notifications.services import mark_all_read

PAGE_SIZE = 30


@login_required
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Evaluate the page before marking read, so the user still sees which ones were new.
    rows = list(page.object_list)
    mark_all_read(request.user)
    return render(request, "notifications/list.html", {"page": page, "rows": rows})
