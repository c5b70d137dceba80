"""PDF rendering of issued documents: WeasyPrint over HTML templates, with a QR code to verify.

Chinese text needs a CJK font on the machine (Debian's fonts-noto-cjk; scripts/test.sh
installs it): the templates ask fontconfig for "Noto Sans CJK SC".
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from yanxiu.certificates.models import DocumentKind, IssuedDocument
from yanxiu.orgs import idnumbers

TEMPLATES = {
    DocumentKind.TRANSCRIPT: "certificates/pdf/transcript.html",
    DocumentKind.CERTIFICATE: "certificates/pdf/certificate.html",
}

# Turns a site path ("/verify/ABCD…") into the absolute URL printed on paper.
AbsoluteUrl = Callable[[str], str]


def verify_url(document: IssuedDocument, absolute: AbsoluteUrl) -> str:
    return absolute(reverse("certificates:verify", args=[document.code]))


def qr_data_uri(url: str) -> str:
    """An SVG QR code of ``url`` as a data URI (WeasyPrint embeds it as vector art)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=1))


def shown_facts(document: IssuedDocument) -> dict[str, Any]:
    """The stored facts as paper and the verification page show them.

    Documents issued before the disclosure policy stored the longer mask
    (3303**********5506); they are shown cut to the public area prefix like new ones.
    """
    facts = dict(document.content)
    facts["id_masked"] = idnumbers.area_prefix(facts["id_masked"])
    return facts


def render_pdf(document: IssuedDocument, absolute: AbsoluteUrl) -> bytes:
    """The document as PDF bytes, exactly the facts stored on it plus its code and QR."""
    from weasyprint import HTML  # imported late: loading pango takes a moment

    url = verify_url(document, absolute)
    html = render_to_string(
        TEMPLATES[DocumentKind(document.kind)],
        {
            "document": document,
            "facts": shown_facts(document),
            "verify_url": url,
            "qr_data_uri": qr_data_uri(url),
        },
    )
    return bytes(HTML(string=html).write_pdf())


def filename(document: IssuedDocument) -> str:
    return f"{document.get_kind_display()}-{document.year}-{document.content['teacher']}.pdf"


def zip_of(documents: Iterable[IssuedDocument], absolute: AbsoluteUrl) -> bytes:
    """Several documents as one zip, one PDF each (a school's certificates for its admin)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            archive.writestr(f"{document.pk}-{filename(document)}", render_pdf(document, absolute))
    return buffer.getvalue()
