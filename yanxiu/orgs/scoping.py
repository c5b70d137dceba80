"""The one mechanism that decides what a user may see and change.

A user's role assignments become a ``Scope``: the org subtrees (materialized
paths such as ``"1/3/"`` for zone 3 of region 1) they read in full, the
subtrees whose roster they manage, their own teacher record and the groups they
lead. Each scoped model says, in one ``visibility`` classmethod, how a scope
maps to a filter on its rows; ``ScopedQuerySet.visible_to(user)`` applies it to
every queryset that reaches a user, through pages and API alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import Q

from yanxiu.orgs.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from yanxiu.orgs.models import User

# Roles whose holders see their whole scope subtree.
SUBTREE_READERS = frozenset(
    {Role.BUREAU_ADMIN, Role.CENTER_STAFF, Role.ZONE_LEADER, Role.SCHOOL_ADMIN}
)
# Roles whose holders may change the roster inside their scope subtree.
ROSTER_MANAGERS = frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF, Role.SCHOOL_ADMIN})
# Roles that act for the whole region.
REGION_ROLES = frozenset({Role.BUREAU_ADMIN, Role.CENTER_STAFF})


@dataclass(frozen=True)
class Scope:
    """What one user may reach, derived from their role assignments."""

    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    read_paths: tuple[str, ...] = ()
    manage_paths: tuple[str, ...] = ()
    region_ids: tuple[int, ...] = ()
    # The regions whose bureau admin the user is (policies are set per region).
    bureau_region_ids: tuple[int, ...] = ()
    teacher_id: int | None = None
    school_id: int | None = None
    led_group_ids: tuple[int, ...] = ()

    def reads(self, path: str) -> bool:
        return self.is_superuser or covers(self.read_paths, path)

    def manages(self, path: str) -> bool:
        return self.is_superuser or covers(self.manage_paths, path)

    def has_role(self, *roles: Role) -> bool:
        return self.is_superuser or bool(self.roles.intersection(roles))

    @property
    def import_paths(self) -> tuple[str, ...]:
        """Region staff read every import record in the subtrees they manage (``ImportScope``)."""
        return self.manage_paths if self.roles.intersection(REGION_ROLES) else ()


ANONYMOUS = Scope()
_CACHE_ATTR = "_yanxiu_scope"


def covers(paths: Iterable[str], path: str) -> bool:
    """True when ``path`` lies inside one of the subtrees ``paths``."""
    return any(path.startswith(p) for p in paths)


def narrowest(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one, so filters stay small."""
    kept: list[str] = []
    for p in sorted(set(paths), key=len):
        if not covers(kept, p):
            kept.append(p)
    return tuple(kept)


def path_q(paths: Iterable[str], field: str = "org_path") -> Q:
    """A filter matching rows whose ``field`` lies under any of ``paths`` (nothing if none)."""
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def scope_of(user: User | AnonymousUser | None) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached: Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from yanxiu.orgs.models import RoleAssignment, Teacher

    assignments = list(
        RoleAssignment.objects.filter(user=user).values_list(
            "role", "scope_path", "region_id", "group_id"
        )
    )
    teacher = Teacher.objects.filter(user=user).values_list("pk", "school_id").first()
    scope = Scope(
        is_superuser=user.is_superuser,
        roles=frozenset(a[0] for a in assignments) | ({Role.TEACHER} if teacher else set()),
        read_paths=narrowest(a[1] for a in assignments if a[0] in SUBTREE_READERS),
        manage_paths=narrowest(a[1] for a in assignments if a[0] in ROSTER_MANAGERS),
        region_ids=tuple(sorted({a[2] for a in assignments})),
        bureau_region_ids=tuple(sorted({a[2] for a in assignments if a[0] == Role.BUREAU_ADMIN})),
        teacher_id=teacher[0] if teacher else None,
        school_id=teacher[1] if teacher else None,
        led_group_ids=tuple(a[3] for a in assignments if a[0] == Role.GROUP_LEADER and a[3]),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset whose model defines ``visibility(scope) -> Q``."""

    def visible_to(self, user: User | AnonymousUser | None) -> Self:
        scope = scope_of(user)
        if scope.is_superuser:
            return self
        visibility = getattr(self.model, "visibility")  # noqa: B009 - checked by the model
        return self.filter(visibility(scope))
