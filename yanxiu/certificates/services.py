"""Issuing, revoking and verifying transcripts and certificates."""

from __future__ import annotations

import base64
import re
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.certificates.facts import document_facts
from yanxiu.certificates.models import DocumentKind, IssuedDocument, content_digest
from yanxiu.core.errors import DomainError
from yanxiu.core.params import MIN_YEAR
from yanxiu.orgs.models import Teacher, User

# 10 random bytes = 80 bits = 16 base32 characters: far beyond guessing, short enough to type.
CODE_BYTES = 10
CODE_LENGTH = 16
_CODE_RE = re.compile(r"^[A-Z2-7]{16}$")


class DocumentRefused(DomainError):
    """The document cannot be issued; the message says why, in the user's language."""

    code = "document_refused"
    # The year's record exists but does not allow the document.
    status = 409


class YearNotOnRecord(DocumentRefused):
    """The year lies outside the teacher's record, so there is nothing to certify."""

    code = "year_not_on_record"
    status = 404


def document_years(teacher: Teacher) -> range:
    """The years a document may cover: from the teacher's start (not before the platform's
    first year) to the year they left, or this year while they are in post."""
    last = teacher.departed_on.year if teacher.departed_on else timezone.localdate().year
    return range(max(MIN_YEAR, teacher.teaching_since), last + 1)


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()


# Digits base32 never uses, read as the letters people mistake them for.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def normalize_code(raw: str) -> str | None:
    """The code as stored, from what a person typed (any case, dashes, spaces), or None.

    A 0, 1 or 8 typed for the letter O, I or B still finds the code.
    """
    code = re.sub(r"[\s\-]", "", raw or "").upper().translate(_LOOKALIKES)
    return code if _CODE_RE.match(code) else None


def _year_refusal(years: range) -> str:
    if not years:
        return _("该教师没有可出具证明的年度")
    return _("只能出具 %(first)s 至 %(last)s 年度的证明") % {"first": years[0], "last": years[-1]}


@transaction.atomic
def issue_document(*, teacher: Teacher, year: int, kind: str, by: User) -> IssuedDocument:
    """Record a transcript or certificate of ``teacher`` for ``year`` and return it.

    Downloading again while the ledger has not changed returns the same document
    (same code), so repeated clicks do not multiply codes in circulation.
    A certificate is only issued to a teacher who passed the year, and no document to a
    year outside their record: a transcript of 1970 would still carry a valid code.
    """
    years = document_years(teacher)
    if year not in years:
        raise YearNotOnRecord(_year_refusal(years))
    facts = document_facts(teacher, year, kind=kind)
    if kind == DocumentKind.CERTIFICATE and not facts["passed"]:
        raise DocumentRefused(_("本年度学时学分尚未达标，不能出具合格证书"))
    digest = content_digest(facts)
    existing = IssuedDocument.objects.filter(
        teacher=teacher, year=year, kind=kind, digest=digest, revoked=False
    ).first()
    if existing is not None:
        return existing
    return IssuedDocument.objects.create(
        kind=kind,
        teacher=teacher,
        year=year,
        content=facts,
        digest=digest,
        code=new_code(),
        issued_by=by,
    )


def revoke_document(document: IssuedDocument, *, reason: str) -> None:
    """Withdraw a document: its code stops verifying; the record stays."""
    if not reason.strip():
        raise DocumentRefused(_("作废证明须填写原因"))
    IssuedDocument.objects.filter(pk=document.pk).update(revoked=True, revoked_reason=reason)
    document.revoked, document.revoked_reason = True, reason


def valid_document(raw_code: str) -> IssuedDocument | None:
    """The document a code proves, or None when the code is unknown, revoked or tampered with."""
    code = normalize_code(raw_code)
    if code is None:
        return None
    document = (
        IssuedDocument.objects.select_related("teacher").filter(code=code, revoked=False).first()
    )
    if document is None or not document.is_intact:
        return None
    return document


def replacement_of(document: IssuedDocument) -> IssuedDocument | None:
    """The newest valid document of the same teacher, year and kind issued after ``document``
    (the ledger changed since), or None when ``document`` is the current one."""
    return (
        IssuedDocument.objects.filter(
            teacher_id=document.teacher_id, year=document.year, kind=document.kind, revoked=False
        )
        .filter(
            Q(issued_at__gt=document.issued_at)
            | Q(issued_at=document.issued_at, pk__gt=document.pk)
        )
        .order_by("-issued_at", "-pk")
        .first()
    )
