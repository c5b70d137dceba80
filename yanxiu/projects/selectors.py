"""Read-side queries over school plans and projects, always scoped through ``visible_to``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from yanxiu.credits.policy import policy_terms_for
from yanxiu.orgs.models import Region, School, SchoolKind, User
from yanxiu.orgs.scoping import scope_of
from yanxiu.projects.models import (
    UNDER_REVIEW_STATES,
    ActivityAttendance,
    ActivityType,
    PlanState,
    PlanWindow,
    ProjectActivity,
    ProjectFile,
    ProjectRevision,
    ProjectState,
    SchoolPlan,
    SchoolProject,
)
from yanxiu.training.selectors import CalendarEvent


def visible_project_file(user: User, pk: int) -> ProjectFile:
    """A project's evidence or an activity's material, for whoever reads the project (or the
    activity, which shows its materials to the teachers expected at it); 404 otherwise."""
    readable = Q(project__in=SchoolProject.objects.visible_to(user)) | Q(
        activity__in=ProjectActivity.objects.visible_to(user)
    )
    return get_object_or_404(ProjectFile.objects.filter(readable), pk=pk)


def plan_window(region: Region, year: int) -> PlanWindow:
    """The region's window for ``year``, or the default 15–30 September."""
    return PlanWindow.objects.filter(region=region, year=year).first() or PlanWindow.default_for(
        region, year
    )


def excluded_activity_types(region_id: int, year: int) -> frozenset[str]:
    """Activity types the region's credit policy for ``year`` says never count."""
    return policy_terms_for(region_id, year).excluded_activity_types


def exclusion_notice(project: SchoolProject, activity_type: str) -> str:
    """A warning to show when recording an activity the policy will not credit ("" if none)."""
    if activity_type not in excluded_activity_types(project.school.region_id, project.year):
        return ""
    return _(
        "按本区%(year)s年度学分政策，「%(type)s」不计入校本研训学分，参加者不会因此获得学分。"
    ) % {
        "year": project.year,
        "type": dict(ActivityType.choices).get(activity_type, activity_type),
    }


def participant_credits(project: SchoolProject) -> dict[int, Decimal]:
    """What each participant earns: attended, creditable activities, capped at the project's value.

    Every participant appears, with zero when they attended nothing that counts.
    """
    excluded = excluded_activity_types(project.school.region_id, project.year)
    sums = dict(
        ActivityAttendance.objects.filter(
            activity__project=project,
            attended=True,
            teacher__in=project.participants.all(),
        )
        .exclude(activity__activity_type__in=excluded)
        .values("teacher_id")
        .annotate(total=Sum("activity__credit_value"))
        .values_list("teacher_id", "total")
    )
    return {
        pk: min(sums.get(pk) or Decimal(0), project.credit_value)
        for pk in project.participants.values_list("pk", flat=True)
    }


# Revisions


def application_snapshot(project: SchoolProject) -> dict[str, Any]:
    """The application's fields as plain text, as kept in a ``ProjectRevision``."""
    return {
        "theme": project.theme,
        "goals": project.goals,
        "activities_plan": project.activities_plan,
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "hours": str(project.hours),
        "credit_value": str(project.credit_value),
        "category": project.category,
        "leader": project.leader.name if project.leader else "",
        "participants": sorted(project.participants.values_list("name", flat=True)),
    }


@dataclass(frozen=True)
class FieldChange:
    """One field of two revisions side by side."""

    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _field_label(name: str) -> str:
    if name == "participants":
        return _("参训教师")
    return str(getattr(SchoolProject._meta.get_field(name), "verbose_name", name))


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def revision_diff(old: ProjectRevision, new: ProjectRevision) -> list[FieldChange]:
    """Field-by-field comparison of two revisions, in the order of the application form."""
    names = list(dict.fromkeys([*old.snapshot, *new.snapshot]))
    return [
        FieldChange(
            label=_field_label(name),
            old=_as_text(old.snapshot.get(name)),
            new=_as_text(new.snapshot.get(name)),
        )
        for name in names
    ]


# Lists for each role


def visible_project(user: User, pk: int) -> SchoolProject:
    """One project with its school, leader and designated content, or 404 outside the scope."""
    return get_object_or_404(
        SchoolProject.objects.visible_to(user).select_related(
            "school", "school__region", "leader", "designated"
        ),
        pk=pk,
    )


def project_list(user: User, *, year: int | None = None) -> QuerySet[SchoolProject, Any]:
    projects = SchoolProject.objects.visible_to(user).select_related("school", "leader")
    if year is not None:
        projects = projects.filter(year=year)
    return projects.order_by("school__code", "starts_on", "pk")


def review_queue(user: User) -> QuerySet[SchoolProject, Any]:
    """Applications waiting for the center, and finished projects waiting for certification."""
    return (
        SchoolProject.objects.visible_to(user)
        .filter(state__in=[*UNDER_REVIEW_STATES, ProjectState.EVIDENCE_SUBMITTED])
        .select_related("school")
        .order_by("updated_at", "pk")
    )


def activities_of_teacher(user: User) -> QuerySet[ActivityAttendance, Any]:
    """The activities a teacher was expected at, with whether they attended."""
    teacher_id = scope_of(user).teacher_id
    if teacher_id is None:
        return ActivityAttendance.objects.none()
    return (
        ActivityAttendance.objects.filter(
            teacher_id=teacher_id, activity__in=ProjectActivity.objects.visible_to(user)
        )
        .select_related("activity", "activity__project")
        .order_by("-activity__starts_at")
    )


@dataclass(frozen=True)
class Overview:
    """The bureau's view of one year: counts per state, and each school's plan and projects."""

    year: int
    state_counts: list[tuple[str, int]]
    schools: QuerySet[School, Any]
    schools_without_plan: int


def overview(user: User, year: int) -> Overview:
    """Every visible school with its plan status and project counts per state (two queries)."""
    counts = dict(
        SchoolProject.objects.visible_to(user)
        .filter(year=year)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    projects = Q(training_projects__year=year)
    plan_submitted = Exists(
        SchoolPlan.objects.filter(school=OuterRef("pk"), year=year, state=PlanState.SUBMITTED)
    )
    schools = School.objects.visible_to(user).filter(kind=SchoolKind.SCHOOL, is_active=True)
    listed = schools.select_related("zone").annotate(
        plan_submitted=plan_submitted,
        plan_id=Subquery(
            SchoolPlan.objects.filter(school=OuterRef("pk"), year=year).values("pk")[:1]
        ),
        project_count=Count("training_projects", filter=projects),
        **{
            f"n_{state}": Count(
                "training_projects", filter=projects & Q(training_projects__state=state)
            )
            for state in ProjectState.values
        },
    )
    return Overview(
        year=year,
        state_counts=[(str(state.label), counts.get(state.value, 0)) for state in ProjectState],
        schools=listed.order_by("plan_submitted", "zone__code", "code"),
        schools_without_plan=schools.filter(~plan_submitted).count(),
    )


OVERVIEW_HEADER = (
    "片区",
    "学校代码",
    "学校",
    "年度计划",
    "项目数",
    *(str(label) for label in ProjectState.labels),
)


def overview_rows(overview: Overview) -> Iterator[list[str]]:
    """The overview's school table as text rows, in ``OVERVIEW_HEADER`` order, for export."""
    submitted, missing = _("已提交"), _("未提交")
    for school in overview.schools:
        yield [
            school.zone.name if school.zone else "",
            school.code,
            school.name,
            submitted if school.plan_submitted else missing,
            str(school.project_count),
            *(str(getattr(school, f"n_{state}")) for state in ProjectState.values),
        ]


def activity_calendar_events(
    user: User, start: datetime.datetime, end: datetime.datetime, level: str, path: str
) -> list[CalendarEvent]:
    """Project activities for the shared calendar: the teacher's own, or those under ``path``."""
    activities = ProjectActivity.objects.visible_to(user).filter(
        starts_at__lt=end, ends_at__gt=start
    )
    if level == "mine":
        teacher_id = scope_of(user).teacher_id
        if teacher_id is None:
            return []
        activities = activities.filter(attendance__teacher_id=teacher_id)
    elif not path:
        return []
    else:
        activities = activities.filter(org_path__startswith=path)
    kind = _("校本研训")
    return [
        CalendarEvent(
            title=f"{a.project.theme} · {a.title}",
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            kind=kind,
            url=reverse("projects:activity", args=[a.pk]),
            location=a.place,
        )
        for a in activities.select_related("project").order_by("starts_at", "pk")
    ]
