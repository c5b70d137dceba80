"""Private uploads: random storage keys, display names, digests and per-field type allow-lists.

Every uploaded file is stored under ``<prefix>/<random token><.ext>`` so that no one can
guess another file's address; the name the user gave it is kept on the owning row (the
field's ``display_name_field``) and used only for the download's file name. A field may
also record the SHA-256 of the stored bytes (``sha256_field``), which outlives the file
when a retention period deletes it.

Each upload field has an ``AllowList``: the extension must be on it, and the content must
agree with the extension — binary formats by their magic bytes (the ``filetype`` library),
CSV and TXT (which have none) by decoding as UTF-8 or GB18030 without any markup such as
``<script``, ``<html`` or ``<svg``. ``FileTypeValidator`` applies one list in a form.

Serving lives in ``yanxiu.core.uploads_serving``; the quarantine of large uploads in
``yanxiu.core.uploads_quarantine``.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

QUARANTINE_PREFIX = "quarantine/"
# Enough for every magic-byte matcher (filetype reads 8 KiB; a zipped Office file names its
# parts in the first few).
HEAD_BYTES = 8192
CHUNK_BYTES = 1 << 16
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# Markup a browser would run if it ever rendered the file as a page.
MARKUP = re.compile(
    r"<\s*(?:script|html|svg|iframe|object|embed|body|meta|link|style|!doctype|\?xml)\b",
    re.IGNORECASE,
)
MARKUP_OVERLAP = 32
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# ISO base media (MP4, MOV, HEIC) names its flavour in the "ftyp" box; filetype knows only
# some brands, phones write others.
VIDEO_BRANDS = frozenset(
    {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "qt  ", "M4V ", "M4VP"}
    | {"3gp4", "3gp5", "3gp6", "3g2a", "mmp4", "dash", "MSNV", "XAVC"}
)
IMAGE_BRANDS = frozenset({"heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis"})
AUDIO_BRANDS = frozenset({"M4A ", "mp42", "isom"})

TEXT = "text"
OFFICE_ZIP = frozenset({"docx", "xlsx", "pptx", "zip"})
OFFICE_OLE = frozenset({"doc", "xls", "ppt", "ole"})
VIDEO_KINDS = frozenset({"mp4", "m4v", "mov", "3gp", "isobmff-video"})
# What the content of a file with this extension may be detected as.
CONTENT_OF: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "jpg": frozenset({"jpg"}),
    "jpeg": frozenset({"jpg"}),
    "png": frozenset({"png"}),
    "gif": frozenset({"gif"}),
    "webp": frozenset({"webp"}),
    "heic": frozenset({"heic", "isobmff-image"}),
    "heif": frozenset({"heic", "isobmff-image"}),
    "mp3": frozenset({"mp3"}),
    "m4a": frozenset({"m4a", "mp4", "isobmff-audio"}),
    "wav": frozenset({"wav"}),
    "mp4": VIDEO_KINDS,
    "m4v": VIDEO_KINDS,
    "mov": VIDEO_KINDS,
    "webm": frozenset({"webm", "mkv"}),
    "doc": OFFICE_OLE,
    "xls": OFFICE_OLE,
    "ppt": OFFICE_OLE,
    "docx": OFFICE_ZIP,
    "xlsx": OFFICE_ZIP,
    "xlsm": OFFICE_ZIP,
    "pptx": OFFICE_ZIP,
    "csv": frozenset({TEXT}),
    "txt": frozenset({TEXT}),
}


@dataclass(frozen=True)
class AllowList:
    """The file types one upload field accepts, by extension (without the dot)."""

    key: str
    extensions: tuple[str, ...]

    def describe(self) -> str:
        return "、".join(f".{ext}" for ext in self.extensions)


SPREADSHEETS = AllowList("spreadsheets", ("xlsx", "xlsm", "xls", "csv"))
COURSE_VIDEOS = AllowList("course_videos", ("mp4", "m4v", "mov", "webm"))
COURSE_DOCUMENTS = AllowList("course_documents", ("pdf",))
DOCUMENTS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv")
PHOTOS = ("jpg", "jpeg", "png", "gif", "webp", "heic", "heif")
RECORDINGS = ("mp3", "m4a", "wav", "mp4", "m4v", "mov", "webm")
PROJECT_FILES = AllowList("project_files", (*DOCUMENTS, *PHOTOS, *RECORDINGS))
ALLOW_LISTS = {a.key: a for a in (SPREADSHEETS, COURSE_VIDEOS, COURSE_DOCUMENTS, PROJECT_FILES)}


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def _detected(head: bytes) -> str | None:
    """What the first bytes say the file is: a filetype extension, or one of our families."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.extension)
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head[4:8] == b"ftyp":
        brand = head[8:12].decode("latin-1")
        if brand in IMAGE_BRANDS:
            return "isobmff-image"
        if brand in VIDEO_BRANDS:
            return "isobmff-video"
        if brand in AUDIO_BRANDS:
            return "isobmff-audio"
    return None


def _is_plain_text(stream: IO[bytes]) -> bool:
    """UTF-8 or GB18030 text without NULs or markup, read to the end."""
    for encoding in TEXT_ENCODINGS:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        tail = ""
        try:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                text = tail + decoder.decode(chunk)
                if "\x00" in text or MARKUP.search(text):
                    return False
                tail = text[-MARKUP_OVERLAP:]
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def content_problem(name: str, stream: IO[bytes], allowed: AllowList) -> str | None:
    """Why a file may not be kept in a field with ``allowed`` types (in Chinese), or None.

    ``stream`` is read from its start; the caller rewinds it if it is read again.
    """
    ext = extension_of(name)
    if ext not in allowed.extensions:
        return _("不支持“%(name)s”的文件类型，只能上传：%(types)s。") % {
            "name": PurePosixPath(name).name,
            "types": allowed.describe(),
        }
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    accepted = CONTENT_OF[ext]
    detected = _detected(head)
    # Text has no magic bytes: it must decode, and hold no markup.
    fits = (
        (detected is None and _is_plain_text(stream)) if TEXT in accepted else detected in accepted
    )
    if fits:
        return None
    return _(
        "“%(name)s”的内容不是 .%(ext)s 格式（文件可能被改了扩展名），只能上传：%(types)s。"
    ) % {
        "name": PurePosixPath(name).name,
        "ext": ext,
        "types": allowed.describe(),
    }


@deconstructible
class FileTypeValidator:
    """A form field validator: the upload's extension and content are on ``allowed``."""

    def __init__(self, allowed: AllowList) -> None:
        self.allowed = allowed

    def __call__(self, upload: File[Any]) -> None:
        try:
            problem = content_problem(upload.name or "", upload, self.allowed)
        finally:
            upload.seek(0)
        if problem:
            raise ValidationError(problem, code="file_type")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileTypeValidator) and other.allowed == self.allowed


def random_key(prefix: str, filename: str) -> str:
    """``<prefix>/<32 random characters><.ext>``: the extension kept, lower case, if plain."""
    suffix = PurePosixPath(filename).suffix.lower()
    if not SAFE_SUFFIX.fullmatch(suffix):
        suffix = ""
    return f"{prefix}/{secrets.token_urlsafe(24)}{suffix}"


def is_random_key(name: str, prefix: str) -> bool:
    return (
        re.fullmatch(rf"{re.escape(prefix)}/[A-Za-z0-9_-]{{32}}(\.[a-z0-9]{{1,8}})?", name)
        is not None
    )


def is_quarantined(name: str) -> bool:
    return name.startswith(QUARANTINE_PREFIX)


@deconstructible
class RandomKey:
    """``upload_to`` for private files: a random key under ``prefix`` (or its quarantine)."""

    def __init__(self, prefix: str, quarantine: bool = False) -> None:
        self.prefix = prefix
        self.quarantine = quarantine

    def __call__(self, instance: models.Model, filename: str) -> str:
        prefix = f"{QUARANTINE_PREFIX}{self.prefix}" if self.quarantine else self.prefix
        return random_key(prefix, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomKey) and (other.prefix, other.quarantine) == (
            self.prefix,
            self.quarantine,
        )


def sha256_of(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


class PrivateFieldFile(FieldFile):
    """Saving records the display name (and digest) on the owning row along with the key."""

    field: PrivateFileField

    def save(self, name: str, content: File[Any], save: bool = True) -> None:
        field = self.field
        display = PurePosixPath(name.replace("\\", "/")).name
        display_field = self.instance._meta.get_field(field.display_name_field)
        limit = getattr(display_field, "max_length", None) or len(display)
        setattr(self.instance, field.display_name_field, display[:limit])
        if field.sha256_field:
            setattr(self.instance, field.sha256_field, sha256_of(content.chunks()))
            content.seek(0)
        super().save(name, content, save)


class PrivateFileField(models.FileField):
    """A file stored under a random key; its original name goes to ``display_name_field``.

    ``sha256_field`` (optional) receives the digest of the stored bytes; ``quarantine`` (an
    ``AllowList`` key) stores new files under ``quarantine/`` until
    ``uploads_quarantine.release_upload`` has checked them, recording a refusal in
    ``refusal_field``.
    """

    attr_class = PrivateFieldFile

    def __init__(
        self,
        verbose_name: Any = None,
        *,
        prefix: str,
        display_name_field: str,
        sha256_field: str = "",
        quarantine: str = "",
        refusal_field: str = "",
        **kwargs: Any,
    ) -> None:
        self.prefix = prefix
        self.display_name_field = display_name_field
        self.sha256_field = sha256_field
        self.quarantine = quarantine
        self.refusal_field = refusal_field
        kwargs["upload_to"] = RandomKey(prefix, quarantine=bool(quarantine))
        kwargs.setdefault("max_length", 255)
        super().__init__(verbose_name, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        del kwargs["upload_to"]
        kwargs.update(prefix=self.prefix, display_name_field=self.display_name_field)
        for option in ("sha256_field", "quarantine", "refusal_field"):
            if getattr(self, option):
                kwargs[option] = getattr(self, option)
        return name, path, args, kwargs
