"""Who may take away which document, as ``rules`` predicates over the user's scope."""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.orgs.scoping import REGION_ROLES, scope_of


@rules.predicate
def may_issue_for_teacher(user: Any, teacher: Any) -> bool:
    """A teacher for themselves; bureau, center, zone and school staff for teachers in scope."""
    scope = scope_of(user)
    if teacher is None:
        return scope.is_superuser or bool(scope.read_paths) or scope.teacher_id is not None
    return scope.teacher_id == teacher.pk or scope.reads(teacher.org_path)


rules.add_perm("certificates.issue_document", may_issue_for_teacher)


@rules.predicate
def may_revoke(user: Any, document: Any) -> bool:
    """The bureau and the training center withdraw documents of teachers in their scope."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if not scope.roles.intersection(REGION_ROLES):
        return False
    return document is None or scope.reads(document.teacher.org_path)


rules.add_perm("certificates.revoke_document", may_revoke)
