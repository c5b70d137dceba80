"""Read-side queries over the organization, always through ``visible_to``.

Counts are SQL aggregates, so a page costs the same few queries for 30 schools
or 2,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from yanxiu.orgs.models import (
    Group,
    GroupMembership,
    Role,
    RoleAssignment,
    School,
    Stage,
    Teacher,
    TeacherPosting,
    User,
    Zone,
)
from yanxiu.orgs.scoping import scope_of


def _count(rows: QuerySet[Any, Any], parent: str) -> Coalesce:
    """How many of ``rows`` point at each parent row, as a correlated subquery.

    Unlike a JOIN + GROUP BY over every parent, the database computes it only for
    the rows a page shows (2,000 schools, 19,000 groups in a large region).
    """
    counted = (
        rows.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def org_summary(user: User) -> dict[str, int]:
    """How many zones, schools and active teachers this user can see."""
    return {
        "zones": Zone.objects.visible_to(user).count(),
        "schools": School.objects.visible_to(user).filter(is_active=True).count(),
        "teachers": Teacher.objects.visible_to(user).filter(is_active=True).count(),
    }


@dataclass(frozen=True)
class SchoolFilter:
    """The filters of the school list; empty strings mean "any"."""

    zone: str = ""
    stage: str = ""
    ownership: str = ""
    q: str = ""


def school_list(user: User, filters: SchoolFilter | None = None) -> QuerySet[School, Any]:
    """Visible schools with their number of active teachers, in one query."""
    schools = (
        School.objects.visible_to(user)
        .select_related("zone")
        .annotate(teacher_count=_count(Teacher.objects.filter(is_active=True), "school"))
        .order_by("zone__code", "code")
    )
    f = filters or SchoolFilter()
    if f.zone.isascii() and f.zone.isdigit():
        schools = schools.filter(zone_id=int(f.zone))
    if f.stage:
        schools = schools.filter(stage=f.stage)
    if f.ownership:
        schools = schools.filter(ownership=f.ownership)
    if f.q:
        schools = schools.filter(Q(name__contains=f.q) | Q(code__icontains=f.q))
    return schools


@dataclass(frozen=True)
class ZoneRow:
    zone: Zone | None
    schools: int
    teachers: int
    young: int


def zone_overview(user: User, *, this_year: int) -> list[ZoneRow]:
    """Per visible zone: schools, active teachers and young teachers (three queries)."""
    zones = list(Zone.objects.visible_to(user).order_by("code"))
    schools: dict[int | None, int] = dict(
        School.objects.visible_to(user)
        .filter(is_active=True)
        .values("zone_id")
        .annotate(n=Count("pk"))
        .values_list("zone_id", "n")
    )
    teacher_counts: dict[int | None, dict[str, Any]] = {
        row["school__zone_id"]: row
        for row in Teacher.objects.visible_to(user)
        .filter(is_active=True)
        .values("school__zone_id")
        .annotate(n=Count("pk"), young=Count("pk", filter=Q(teaching_since__gte=this_year - 5)))
    }
    rows = []
    for zone in [*zones, None]:
        key = zone.pk if zone else None
        counts = teacher_counts.get(key, {"n": 0, "young": 0})
        if zone is None and not schools.get(None) and not counts["n"]:
            continue
        rows.append(ZoneRow(zone, schools.get(key, 0), counts["n"], counts["young"]))
    return rows


def stage_counts(user: User) -> list[dict[str, Any]]:
    """Active teachers per zone and stage, for the bureau's overview table."""
    stages = dict(Stage.choices)
    rows = (
        Teacher.objects.visible_to(user)
        .filter(is_active=True)
        .values("school__zone__name", "school__stage")
        .annotate(n=Count("pk"))
        .order_by("school__zone__code", "school__stage")
    )
    return [
        {
            "zone": r["school__zone__name"] or "—",
            "stage": stages.get(r["school__stage"], r["school__stage"]),
            "n": r["n"],
        }
        for r in rows
    ]


def visible_zone(user: User, pk: int) -> Zone:
    """One zone with its region, or 404 outside the user's scope."""
    return get_object_or_404(Zone.objects.visible_to(user).select_related("region"), pk=pk)


def visible_school(user: User, pk: int) -> School:
    """One school with its zone and region, or 404 outside the user's scope."""
    return get_object_or_404(
        School.objects.visible_to(user).select_related("zone", "region"), pk=pk
    )


def school_teachers(user: User, school: School) -> QuerySet[Teacher, Any]:
    return (
        Teacher.objects.visible_to(user)
        .filter(school=school, is_active=True)
        .order_by("name", "pk")
    )


def school_groups(user: User, school: School) -> QuerySet[Group, Any]:
    return (
        Group.objects.visible_to(user)
        .filter(school=school)
        .select_related("leader", "subject")
        .annotate(member_count=_count(GroupMembership.objects.all(), "group"))
        .order_by("kind", "name")
    )


def school_admins(school: School) -> QuerySet[RoleAssignment, Any]:
    return RoleAssignment.objects.filter(school=school, role=Role.SCHOOL_ADMIN).select_related(
        "user"
    )


def users_holding(
    role: Role, *, region_id: int | None = None, school_id: int | None = None
) -> QuerySet[User, User]:
    """Active users who hold ``role`` in the region or at the school (whom to notify)."""
    assignments = RoleAssignment.objects.filter(role=role)
    if region_id is not None:
        assignments = assignments.filter(region_id=region_id)
    if school_id is not None:
        assignments = assignments.filter(school_id=school_id)
    return User.objects.filter(pk__in=assignments.values("user_id"), is_active=True)


@dataclass(frozen=True)
class TeacherFilter:
    q: str = ""
    school: str = ""
    stage: str = ""
    active: bool = True


def teacher_list(user: User, filters: TeacherFilter | None = None) -> QuerySet[Teacher, Any]:
    """The roster the user may see, by name, school and stage."""
    f = filters or TeacherFilter()
    teachers = (
        Teacher.objects.visible_to(user)
        .filter(is_active=f.active)
        .select_related("school")
        .order_by("school__code", "name", "pk")
    )
    if f.q:
        teachers = teachers.filter(name__contains=f.q)
    if f.school.isascii() and f.school.isdigit():
        teachers = teachers.filter(school_id=int(f.school))
    if f.stage:
        teachers = teachers.filter(stage=f.stage)
    return teachers


def visible_teacher(user: User, pk: int) -> Teacher:
    """One teacher with what the detail page shows, or 404 outside the user's scope."""
    teachers = (
        Teacher.objects.visible_to(user)
        .select_related("school__zone", "user")
        .prefetch_related(
            "subjects",
            Prefetch(
                "postings",
                queryset=TeacherPosting.objects.select_related("school", "recorded_by").order_by(
                    "-start_date", "-pk"
                ),
            ),
            Prefetch(
                "group_memberships",
                queryset=GroupMembership.objects.select_related("group__school").order_by(
                    "group__name"
                ),
            ),
        )
    )
    return get_object_or_404(teachers, pk=pk)


def teacher_roles(teacher: Teacher) -> list[RoleAssignment]:
    """The platform roles the teacher's login holds (none without a login)."""
    if teacher.user_id is None:
        return []
    return list(
        RoleAssignment.objects.filter(user_id=teacher.user_id)
        .select_related("zone", "school", "group")
        .order_by("role")
    )


def group_list(user: User, *, school: str = "", kind: str = "") -> QuerySet[Group, Any]:
    groups = (
        Group.objects.visible_to(user)
        .select_related("school", "zone", "leader", "subject")
        .annotate(member_count=_count(GroupMembership.objects.all(), "group"))
        .order_by("org_path", "kind", "name")
    )
    if school.isascii() and school.isdigit():
        groups = groups.filter(school_id=int(school))
    if kind:
        groups = groups.filter(kind=kind)
    return groups


def visible_group(user: User, pk: int) -> Group:
    return get_object_or_404(
        Group.objects.visible_to(user).select_related("school", "zone", "leader", "subject"),
        pk=pk,
    )


def group_members(group: Group) -> QuerySet[Teacher, Any]:
    return group.members.select_related("school").order_by("school__code", "name")


def candidate_members(user: User, group: Group, q: str) -> QuerySet[Teacher, Any]:
    """Teachers the user may add to ``group``: visible, active, inside the group's subtree."""
    return (
        Teacher.objects.visible_to(user)
        .filter(is_active=True, org_path__startswith=group.org_path, name__contains=q)
        .exclude(member_groups=group)
        .select_related("school")
        .order_by("name")[:20]
    )


def grantable_groups(user: User) -> QuerySet[Group, Any]:
    """Groups offered on the role page.

    Region-wide users get the cross-school groups only: a region has thousands of
    school groups, whose leaders are named on each group's page instead.
    """
    groups = Group.objects.visible_to(user).select_related("school", "zone")
    scope = scope_of(user)
    if scope.is_superuser or scope.has_role(Role.BUREAU_ADMIN, Role.CENTER_STAFF):
        groups = groups.filter(school__isnull=True)
    return groups.order_by("org_path", "name")


def role_assignment_list(user: User, *, role: str = "") -> QuerySet[RoleAssignment, Any]:
    """Role holders inside the user's scope, for the role page."""
    assignments = (
        RoleAssignment.objects.visible_to(user)
        .select_related("user", "zone", "school", "group__school")
        .order_by("role", "scope_path", "user__username")
    )
    return assignments.filter(role=role) if role else assignments


def home_context(user: User, *, this_year: int) -> dict[str, Any]:
    """What each of the user's roles shows on the home page; a person may hold several."""
    scope = scope_of(user)
    labels = dict(Role.choices)
    context: dict[str, Any] = {
        "scope": scope,
        "roles": [labels[r] for r in Role.values if r in scope.roles],
    }
    if scope.read_paths or scope.is_superuser:
        context["summary"] = org_summary(user)
    if scope.has_role(Role.BUREAU_ADMIN, Role.CENTER_STAFF):
        context["zones"] = zone_overview(user, this_year=this_year)
        context["stages"] = stage_counts(user)
    elif scope.has_role(Role.ZONE_LEADER):
        context["zone_schools"] = list(school_list(user))
    if scope.has_role(Role.SCHOOL_ADMIN) and not scope.is_superuser:
        context["admin_schools"] = list(
            school_list(user).filter(
                pk__in=RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_ADMIN).values(
                    "school_id"
                )
            )
        )
    if scope.led_group_ids:
        context["led_groups"] = list(
            Group.objects.filter(pk__in=scope.led_group_ids)
            .select_related("school")
            .prefetch_related(
                Prefetch("members", queryset=Teacher.objects.select_related("school"))
            )
        )
    if scope.teacher_id:
        context["own_teacher"] = (
            Teacher.objects.select_related("school").filter(pk=scope.teacher_id).first()
        )
        context["own_groups"] = list(
            Group.objects.filter(memberships__teacher_id=scope.teacher_id).select_related(
                "school", "leader"
            )
        )
    return context
