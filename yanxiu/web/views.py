"""Pages that belong to no single domain: the home page of each role, uploaded files."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
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


@login_required
def media(request: AuthedHttpRequest, path: str) -> FileResponse:
    """An uploaded file kept on the local disk (the demo, or one server without object
    storage), for signed-in users only. With a bucket, files are linked with the
    bucket's own short-lived signed addresses instead and this page is not mounted."""
    # A path leading out of MEDIA_ROOT is refused by the storage (400), a missing one here.
    try:
        file = default_storage.open(path)
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404 from exc
    return FileResponse(file, filename=PurePosixPath(path).name)
