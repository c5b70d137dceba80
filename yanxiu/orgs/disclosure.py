"""How much of a teacher's identity (身份证号, 出生日期) a viewer sees: the one disclosure policy.

The mask 3303**********5506 hides the birth date, but the last four characters
(sequence and check digit) beside the birth date leave one candidate number for
a known county. So the two travel together only to those who manage the
teacher's roster and to the teacher themselves; everyone else (zone and group
leaders, anyone reading a transcript or the public verification page) gets the
area prefix 3303************** and the birth year: about 180,000 candidates
for a known county and gender.

Pages (the ``identity_of`` template tag), the API, the roster export and the
issued documents all ask ``disclosed_identity``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Teacher
from yanxiu.orgs.scoping import ANONYMOUS, Scope


@dataclass(frozen=True)
class DisclosedIdentity:
    """What one viewer is shown of one teacher's ID number and birth."""

    id_number: str
    # None when the viewer may see the birth year only.
    birth_date: datetime.date | None
    birth_year: int

    @property
    def birth(self) -> str:
        """The birth date (1985-03-14) or, when that is withheld, the year (1985)."""
        return self.birth_date.isoformat() if self.birth_date else str(self.birth_year)


def disclosed_identity(
    scope: Scope, teacher: Teacher, *, export: bool = False
) -> DisclosedIdentity:
    """The teacher's ID number and birth as ``scope`` may see them.

    ``export``: a roster manager's export carries the full number, so the file can be
    edited and imported again; on screen they see the usual mask.
    """
    manages = scope.manages(teacher.org_path)
    if manages or scope.teacher_id == teacher.pk:
        number = (
            idnumbers.decrypt(teacher.id_number_cipher)
            if export and manages
            else teacher.id_number_masked
        )
        return DisclosedIdentity(number, teacher.birth_date, teacher.birth_date.year)
    return DisclosedIdentity(
        idnumbers.area_prefix(teacher.id_number_masked), None, teacher.birth_date.year
    )


def public_identity(teacher: Teacher) -> DisclosedIdentity:
    """What anyone may see: what transcripts and certificates print and verification shows."""
    return disclosed_identity(ANONYMOUS, teacher)
