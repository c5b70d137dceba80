"""Who may read and write credits, as ``rules`` predicates over the user's scope."""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.orgs.models import Role
from yanxiu.orgs.scoping import SUBTREE_READERS, scope_of

# Certifying a manual entry or a reversal is the training center's and the bureau's job.
CERTIFIERS = frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF})


@rules.predicate
def certifies_for(user: Any, teacher: Any) -> bool:
    """The user certifies credits for ``teacher`` (or for someone, if no teacher given)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if not scope.roles.intersection(CERTIFIERS):
        return False
    return teacher is None or scope.reads(teacher.org_path)


@rules.predicate
def reads_ledger(user: Any, obj: Any) -> bool:
    """Managers who read a subtree read its ledger."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.roles.intersection(SUBTREE_READERS))


@rules.predicate
def sets_policy(user: Any, region: Any) -> bool:
    """The bureau admin of the region sets its policy."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if region is None:
        return bool(scope.bureau_region_ids)
    return region.pk in scope.bureau_region_ids


rules.add_perm("credits.certify_entry", certifies_for)
rules.add_perm("credits.view_ledger", reads_ledger)
rules.add_perm("credits.change_policy", sets_policy)
