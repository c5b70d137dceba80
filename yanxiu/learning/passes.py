"""Study passes: a signed note, handed to the player page, that says whose study it reports.

Every learner's player reports every few seconds. Loading the browser session, the
user and the teacher from the database for each report would make the database the
limit of how many teachers can study at once. So the page that shows the player, an
ordinary signed-in page that has loaded all of that anyway, signs the learner's
teacher and region ids with the site's secret key. The player sends that pass with
each report, and checking its signature costs microseconds and no database read.

A pass is good for ``MAX_AGE_SECONDS``, longer than any sitting. A page left open
longer gets its reports refused with a message to reload it. Signing out does not
revoke a pass already handed out. A pass can only add study time to its own
teacher, and every rule of the judge still applies. Calls without a pass (API tokens,
the session) keep working and look the teacher up as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core import signing

from yanxiu.orgs.models import Teacher

SALT = "yanxiu.learning.pass"
MAX_AGE_SECONDS = 12 * 3600


class LearnerRef(Protocol):
    """What study needs to know of a learner: a ``Teacher`` or a checked pass."""

    @property
    def pk(self) -> int: ...

    @property
    def region_id(self) -> int: ...


@dataclass(frozen=True)
class Learner:
    """The teacher a valid pass names."""

    pk: int
    region_id: int


def issue(teacher: Teacher) -> str:
    """A pass for ``teacher``'s player page."""
    return signing.dumps([teacher.pk, teacher.region_id], salt=SALT)


def read(token: str) -> Learner | None:
    """The learner a pass names, or None when it is forged, altered or too old."""
    try:
        teacher_id, region_id = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(teacher_id, int) or not isinstance(region_id, int):
        return None
    return Learner(pk=teacher_id, region_id=region_id)
