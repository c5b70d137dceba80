"""Study passes: a signed note, handed to the player page, that says whose study it reports.

Every learner's player reports every few seconds. Loading the browser session, the
user and the teacher from the database for each report would make the database the
limit of how many teachers can study at once. So the page that shows the player, an
ordinary signed-in page that has loaded all of that anyway, signs the learner's
teacher and region ids with the site's secret key. The player sends that pass with
each report, and checking its signature costs microseconds and no database read.

A pass is good for ``MAX_AGE_SECONDS``, longer than any sitting. A page left open
longer gets its reports refused with a message to reload it. A pass can only add study
time to its own teacher, and every rule of the judge still applies. Calls without a pass
(API tokens, the session) keep working and look the teacher up as before.

Signing out and leaving the roster revoke the passes already handed out: each pass
carries the learner's pass generation, a counter in the study store (Redis), and is
good only while the counter has not moved on. So checking a pass costs one Redis read
and still no database read; ``revoke`` moves the counter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import redis
from django.core import signing

from yanxiu.learning.store import get_store
from yanxiu.orgs.models import Teacher, User

logger = logging.getLogger(__name__)

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
    generation = get_store().pass_generation(teacher.pk)
    return signing.dumps([teacher.pk, teacher.region_id, generation], salt=SALT)


def read(token: str) -> Learner | None:
    """The learner a pass names, or None when it is forged, altered, too old or revoked."""
    try:
        fields = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        teacher_id, region_id, generation = fields
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not all(isinstance(field, int) for field in fields):
        return None
    if generation != get_store().pass_generation(teacher_id):
        return None
    return Learner(pk=teacher_id, region_id=region_id)


def revoke(teacher: Teacher) -> None:
    """Void every pass handed out so far for ``teacher`` (sign-out, leaving the roster).

    With Redis unreachable the revocation is logged and skipped rather than failing the
    sign-out or the deactivation: no pass is accepted while Redis is down anyway, and one
    revived afterwards still lapses within ``MAX_AGE_SECONDS``.
    """
    try:
        get_store().revoke_passes(teacher.pk)
    except redis.RedisError:
        logger.exception("Could not revoke the study passes of teacher %s", teacher.pk)


def revoke_for(user: User) -> None:
    """Void the study passes of the user's teacher record, if they have one."""
    teacher = Teacher.objects.filter(user=user).first()
    if teacher is not None:
        revoke(teacher)
