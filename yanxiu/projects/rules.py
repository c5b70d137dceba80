"""Who may do what to school-based projects, as ``rules`` predicates over the user's scope.

The school's admin (acting as principal) writes plans and applications and runs
activities for their own school; only training-center staff review, evaluate
and certify, so a school admin can never approve their own school's project.
"""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.orgs.models import Role
from yanxiu.orgs.scoping import scope_of


@rules.predicate
def runs_school_of(user: Any, obj: Any) -> bool:
    """A school admin whose school contains ``obj`` (a plan, project or activity)."""
    scope = scope_of(user)
    if not scope.has_role(Role.SCHOOL_ADMIN):
        return False
    return obj is None or scope.manages(obj.org_path)


@rules.predicate
def is_center_staff_over(user: Any, obj: Any) -> bool:
    """Training-center staff of the region ``obj`` lies in."""
    scope = scope_of(user)
    if not scope.has_role(Role.CENTER_STAFF):
        return False
    return obj is None or scope.reads(obj.org_path)


@rules.predicate
def sets_region_rules(user: Any, obj: Any) -> bool:
    """Bureau admins and training-center staff set the region's plan window (obj: a region)."""
    scope = scope_of(user)
    if not scope.has_role(Role.BUREAU_ADMIN, Role.CENTER_STAFF):
        return False
    return obj is None or scope.is_superuser or obj.pk in scope.region_ids


@rules.predicate
def oversees_schools(user: Any) -> bool:
    """The bureau, the center and zone leaders follow many schools' projects."""
    return scope_of(user).has_role(Role.BUREAU_ADMIN, Role.CENTER_STAFF, Role.ZONE_LEADER)


rules.add_perm("projects.change_project", runs_school_of)
rules.add_perm("projects.submit_project", runs_school_of)
rules.add_perm("projects.record_activity", runs_school_of)
rules.add_perm("projects.submit_evidence", runs_school_of)
rules.add_perm("projects.change_plan", runs_school_of)
rules.add_perm("projects.review_project", is_center_staff_over)
rules.add_perm("projects.certify_project", is_center_staff_over)
rules.add_perm("projects.assign_designated", is_center_staff_over)
rules.add_perm("projects.change_plan_window", sets_region_rules)
rules.add_perm("projects.view_overview", oversees_schools)
