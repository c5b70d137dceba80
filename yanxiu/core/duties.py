"""Separation of duties: nobody certifies, approves or reviews anything for themselves.

Every service that records a decision about a person (a credit certified by hand
or imported, an enrolment approved, a project approved or certified, and every
review added later) calls ``ensure_not_self`` with the users the decision is
about, before it changes anything. Holding two roles (center staff who is also a
teacher) is normal; deciding one's own case with the second role is not.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError


class SelfReviewRefused(DomainError):
    """The actor is one of the people the decision is about; ``str()`` says so in Chinese."""

    code = "self_review"
    status = 403


def ensure_not_self(
    actor: Model,
    subject_user_ids: int | Iterable[int | None] | None,
    action_label: str,
    *,
    error: type[DomainError] = SelfReviewRefused,
) -> None:
    """Refuse when ``actor`` is (one of) the users ``action_label`` decides about.

    ``subject_user_ids`` are user ids (None for a person without an account, who
    cannot be the actor); ``error`` lets a domain raise its own error class, which
    its form views already catch and show; the code is ``self_review`` whichever class.
    """
    subjects = (
        {subject_user_ids}
        if subject_user_ids is None or isinstance(subject_user_ids, int)
        else set(subject_user_ids)
    )
    if actor.pk is not None and actor.pk in subjects:
        raise error(
            _("%(action)s涉及您本人，须由其他有权限的人员办理。") % {"action": action_label},
            code=SelfReviewRefused.code,
        )
