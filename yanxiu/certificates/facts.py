"""What a transcript or certificate states, read from the credits selectors as plain JSON.

The facts are frozen into ``IssuedDocument.content`` when the paper is issued, so the
verification page shows exactly what was printed even after the ledger moves on.
Amounts are strings with two decimals: the digest must not depend on float printing.
Paper goes to whoever the teacher hands it to, so it names the teacher by the public
form of the ID number (the area prefix), never a birth date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from yanxiu.certificates.models import DocumentKind
from yanxiu.credits.models import Category, CreditEntry, Unit
from yanxiu.credits.selectors import teacher_status
from yanxiu.orgs.disclosure import public_identity
from yanxiu.orgs.models import Teacher

CENT = Decimal("0.01")


def amount_text(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def document_facts(teacher: Teacher, year: int, *, kind: str) -> dict[str, Any]:
    """The teacher's year as the document prints it; a transcript also lists every entry."""
    status = teacher_status(teacher, year)
    facts: dict[str, Any] = {
        "teacher": teacher.name,
        "id_masked": public_identity(teacher).id_number,
        "school": teacher.school.name,
        "issuer": _("%(region)s教育局") % {"region": teacher.region.name},
        "year": year,
        "unit": str(Unit(status.unit).label),
        "categories": [
            {
                "label": line.label,
                "required": amount_text(line.required),
                "earned": amount_text(line.earned),
                "gap": amount_text(line.gap),
            }
            for line in status.lines
        ],
        "total": amount_text(status.total),
        "required_total": amount_text(status.rules.total),
        "gap_total": amount_text(status.total_gap),
        "passed": status.passed,
    }
    if kind == DocumentKind.TRANSCRIPT:
        entries = CreditEntry.objects.filter(teacher=teacher, year=year).order_by(
            "occurred_on", "pk"
        )
        facts["entries"] = [
            {
                "date": entry.occurred_on.isoformat(),
                "category": str(Category(entry.category).label),
                "source": entry.source_label or entry.reason,
                "amount": amount_text(entry.amount),
                "unit": str(Unit(entry.unit).label),
            }
            for entry in entries
        ]
    return facts
