"""One response for every private upload, after the caller's view has checked who may read it.

Files download as attachments with ``Content-Security-Policy: sandbox`` and
``X-Content-Type-Options: nosniff``, so an uploaded page can never run script in the
site's origin. Only media a browser shows without running anything are inline: images
other than SVG, audio, video and PDF — PDF without the sandbox, since Chrome refuses to
render a sandboxed PDF, but with nosniff and the strict ``application/pdf`` type.

Files on the local disk answer a single HTTP byte range (206, or 416 when it lies past
the end) so videos seek and resume; files in object storage are a 302 to a signed URL
that lives ``UPLOAD_URL_EXPIRY_SECONDS`` and tells the bucket which type and disposition
to answer with.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from yanxiu.core.uploads import CHUNK_BYTES, extension_of, is_quarantined

PDF = "application/pdf"
DOWNLOAD = "application/octet-stream"
INLINE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "pdf": PDF,
}
DEFAULT_EXPIRY_SECONDS = 300
BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class RangeNotSatisfiable(Exception):
    pass


def serve_upload(request: HttpRequest, file: FieldFile, *, display_name: str) -> HttpResponseBase:
    """The response for an upload the caller has already allowed ``request.user`` to read."""
    key = file.name or ""
    if not key or is_quarantined(key):
        raise Http404
    content_type = INLINE_TYPES.get(extension_of(key), DOWNLOAD)
    inline = content_type != DOWNLOAD
    name = display_name or PurePosixPath(key).name
    headers = {
        "Content-Disposition": content_disposition_header(not inline, name) or "attachment",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private",
    }
    if content_type != PDF:
        headers["Content-Security-Policy"] = "sandbox"
    try:
        path = file.storage.path(key)
    except NotImplementedError:
        return _signed_redirect(file, key, content_type, headers["Content-Disposition"])
    response = _local_response(request, path, content_type)
    for header, value in headers.items():
        response[header] = value
    if content_type == PDF:
        # The reading unit embeds the document in its own page.
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _signed_redirect(
    file: FieldFile, key: str, content_type: str, disposition: str
) -> HttpResponseRedirect:
    expiry = getattr(settings, "UPLOAD_URL_EXPIRY_SECONDS", DEFAULT_EXPIRY_SECONDS)
    url = file.storage.url(  # type: ignore[call-arg]  # S3Storage.url takes these arguments
        key,
        parameters={"ResponseContentType": content_type, "ResponseContentDisposition": disposition},
        expire=expiry,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single ``Range`` header, or None to send it all.

    Raises RangeNotSatisfiable when the range starts past the end (or asks for no bytes).
    Several ranges, or a malformed header, are ignored, as RFC 9110 allows.
    """
    match = BYTE_RANGE.fullmatch(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return start, end


def _read_range(path: str, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as source:
        source.seek(start)
        while length > 0:
            chunk = source.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _local_response(request: HttpRequest, path: str, content_type: str) -> HttpResponseBase:
    try:
        source = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404 from exc
    size = os.fstat(source.fileno()).st_size
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        source.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if wanted is None:
        response: HttpResponseBase = FileResponse(source, content_type=content_type)
    else:
        source.close()
        start, end = wanted
        response = StreamingHttpResponse(
            _read_range(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response
