"""Object permissions for the organization, as ``rules`` predicates over the user's scope.

One predicate per kind of object; views and the API both ask ``user.has_perm``.
"""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.imports.rules import ran_import
from yanxiu.orgs.models import Role
from yanxiu.orgs.scoping import REGION_ROLES, scope_of


@rules.predicate
def manages_org_object(user: Any, obj: Any) -> bool:
    """The user manages the roster of the subtree ``obj`` is in (or of any subtree, if no obj)."""
    scope = scope_of(user)
    if obj is None:
        return scope.is_superuser or bool(scope.manage_paths)
    return scope.manages(obj.org_path)


@rules.predicate
def reads_org_object(user: Any, obj: Any) -> bool:
    scope = scope_of(user)
    if obj is None:
        return scope.is_superuser or bool(scope.read_paths)
    return scope.reads(obj.org_path)


@rules.predicate
def acts_for_region(user: Any, obj: Any) -> bool:
    """Bureau admins and training-center staff act for the whole region."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if not scope.roles.intersection(REGION_ROLES):
        return False
    return obj is None or scope.manages(obj.org_path)


@rules.predicate
def may_grant_role(user: Any, assignment: Any) -> bool:
    """Bureau admins grant any role in their region; school admins name their groups' leaders.

    ``assignment`` is a (possibly unsaved) RoleAssignment with its ``scope_path`` set;
    without one, the question is whether the user may grant roles at all.
    """
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if assignment is None:
        return scope.has_role(Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN)
    if scope.has_role(Role.BUREAU_ADMIN) and scope.manages(assignment.scope_path):
        return True
    return (
        assignment.role == Role.GROUP_LEADER
        and scope.has_role(Role.SCHOOL_ADMIN)
        and scope.manages(assignment.scope_path)
    )


rules.add_perm("orgs.manage_roster", manages_org_object)
# A roster import's file (ID numbers): whoever ran it and the roster managers of its scope.
rules.add_perm("orgs.read_roster_import_file", ran_import | manages_org_object)
rules.add_perm("orgs.change_teacher", manages_org_object)
rules.add_perm("orgs.add_teacher", manages_org_object)
rules.add_perm("orgs.transfer_teacher", manages_org_object)
rules.add_perm("orgs.view_org_reports", reads_org_object)
rules.add_perm("orgs.change_school", acts_for_region)
rules.add_perm("orgs.add_school", acts_for_region)
rules.add_perm("orgs.change_zone", acts_for_region)
rules.add_perm("orgs.change_group", manages_org_object)
rules.add_perm("orgs.add_group", manages_org_object)
rules.add_perm("orgs.assign_roles", acts_for_region)
rules.add_perm("orgs.grant_role", may_grant_role)
rules.add_perm("orgs.create_account", manages_org_object)
rules.add_perm("orgs.deactivate_teacher", manages_org_object)
