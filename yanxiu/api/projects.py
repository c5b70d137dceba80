"""API endpoints for school-based projects, scoped and permitted exactly as the pages are.

Projects outside the caller's scope answer 404; a change the caller's role may
not make answers 403; a change the project's state does not allow answers 400,
with the same Chinese message the pages show.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from yanxiu.api.common import PathId, caller
from yanxiu.api.pagination import Pages
from yanxiu.api.schemas import Year, responses
from yanxiu.orgs.models import School, Teacher, User
from yanxiu.orgs.scoping import scope_of
from yanxiu.projects import selectors, services
from yanxiu.projects.models import (
    ActivityType,
    Grade,
    PlaceMode,
    ProjectActivity,
    ProjectState,
    SchoolProject,
)

router = Router(tags=["projects"])

RevisionNumber = Annotated[int, Query(ge=1, le=1000)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]


def _teachers(user: User, ids: list[int]) -> list[Teacher]:
    teachers = list(Teacher.objects.visible_to(user).filter(pk__in=ids))
    if len(teachers) != len(set(ids)):
        raise HttpError(400, _("有教师不存在或不在您的管理范围内。"))
    return teachers


class EventOut(Schema):
    from_state: str
    to_state: str
    by: str
    at: datetime.datetime
    comment: str

    @staticmethod
    def resolve_by(obj: Any) -> str:
        return str(obj.by)


class ProjectOut(Schema):
    id: int
    school_id: int
    school: str
    year: int
    kind: str
    theme: str
    starts_on: datetime.date
    ends_on: datetime.date
    hours: Decimal
    credit_value: Decimal
    category: str
    leader_id: int | None
    state: ProjectState
    state_label: str

    @staticmethod
    def resolve_school(obj: SchoolProject) -> str:
        return obj.school.name

    @staticmethod
    def resolve_state_label(obj: SchoolProject) -> str:
        return str(obj.get_state_display())


class ProjectDetailOut(ProjectOut):
    goals: str
    activities_plan: str
    participant_ids: list[int]
    evidence_summary: str
    grade: str
    score: Decimal | None
    evaluation_comment: str
    revision_count: int
    events: list[EventOut]

    @staticmethod
    def resolve_participant_ids(obj: SchoolProject) -> list[int]:
        return sorted(obj.participants.values_list("pk", flat=True))

    @staticmethod
    def resolve_revision_count(obj: SchoolProject) -> int:
        return obj.revisions.count()

    @staticmethod
    def resolve_events(obj: SchoolProject) -> list[Any]:
        return list(obj.events.select_related("by"))


class ApplicationIn(Schema):
    year: int = Field(ge=2000, le=2100)
    theme: str = Field(min_length=1, max_length=200)
    goals: str = Field(min_length=1)
    activities_plan: str = Field(min_length=1)
    starts_on: datetime.date
    ends_on: datetime.date
    hours: Amount
    credit_value: Amount
    leader_id: int | None = None
    participant_ids: list[int] = Field(min_length=1)
    school_id: int | None = Field(None, description="学校管理员管理多所学校时指定")


class CommentIn(Schema):
    comment: str = ""


class ActivityIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    activity_type: ActivityType
    organizer_id: int | None = None
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    mode: PlaceMode = PlaceMode.OFFLINE
    place: str = Field(min_length=1, max_length=200)
    minutes: str = ""
    credit_value: Amount = Decimal(0)
    participant_ids: list[int] = Field(default_factory=list, description="不填则为全部参训教师")
    attended_ids: list[int] = Field(default_factory=list)


class ActivityOut(Schema):
    id: int
    project_id: int
    title: str
    activity_type: str
    activity_type_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    mode: str
    place: str
    minutes: str
    credit_value: Decimal
    attended_ids: list[int]
    absent_ids: list[int]
    exclusion_notice: str = ""

    @staticmethod
    def resolve_activity_type_label(obj: ProjectActivity) -> str:
        return str(obj.get_activity_type_display())

    @staticmethod
    def resolve_attended_ids(obj: ProjectActivity) -> list[int]:
        return sorted(a.teacher_id for a in obj.attendance.all() if a.attended)

    @staticmethod
    def resolve_absent_ids(obj: ProjectActivity) -> list[int]:
        return sorted(a.teacher_id for a in obj.attendance.all() if not a.attended)


class EvidenceIn(Schema):
    summary: str = Field(min_length=1)


class CertifyIn(Schema):
    grade: Grade
    score: Annotated[Decimal, Field(ge=0, le=100, decimal_places=1)] | None = None
    comment: str = ""


class CreditOut(Schema):
    teacher_id: int
    amount: Decimal


class CertifyOut(Schema):
    project: ProjectDetailOut
    credits: list[CreditOut]


class FieldChangeOut(Schema):
    label: str
    old: str
    new: str
    changed: bool


@router.get("", response=responses(list[ProjectOut]), summary="校本研训项目")
@paginate(Pages)
def list_projects(
    request: HttpRequest, year: Year | None = None, state: ProjectState | None = None
) -> Any:
    projects = selectors.project_list(caller(request), year=year)
    return projects.filter(state=state) if state else projects


@router.get("/{project_id}", response=responses(ProjectDetailOut, 404), summary="项目详情")
def get_project(request: HttpRequest, project_id: PathId) -> Any:
    return selectors.visible_project(caller(request), project_id)


def _application(user: User, payload: ApplicationIn) -> tuple[dict[str, Any], list[Teacher]]:
    data = payload.dict(exclude={"leader_id", "participant_ids", "school_id"})
    data["leader"] = _teachers(user, [payload.leader_id])[0] if payload.leader_id else None
    return data, _teachers(user, payload.participant_ids)


@router.post("", response=responses(ProjectDetailOut, 400, 403), summary="新建自主培训项目申报")
def create_project(request: HttpRequest, payload: ApplicationIn) -> Any:
    user = caller(request)
    scope = scope_of(user)
    schools = School.objects.visible_to(user).filter(org_path__in=scope.manage_paths)
    if payload.school_id:
        schools = schools.filter(pk=payload.school_id)
    school = schools.order_by("code").first()
    if school is None:
        raise HttpError(403, _("只有本校管理员可以申报本校项目。"))
    data, participants = _application(user, payload)
    return services.save_application(
        None, school=school, by=user, data=data, participants=participants
    )


@router.put(
    "/{project_id}", response=responses(ProjectDetailOut, 400, 403, 404), summary="修改申报"
)
def update_project(request: HttpRequest, project_id: PathId, payload: ApplicationIn) -> Any:
    user = caller(request)
    project = selectors.visible_project(user, project_id)
    data, participants = _application(user, payload)
    return services.save_application(
        project, school=project.school, by=user, data=data, participants=participants
    )


@router.post(
    "/{project_id}/submit",
    response=responses(ProjectDetailOut, 400, 403, 404),
    summary="提交申报（被退回的项目为重新提交）",
)
def submit(request: HttpRequest, project_id: PathId) -> Any:
    user = caller(request)
    project = selectors.visible_project(user, project_id)
    action = (
        services.resubmit_project
        if project.state == ProjectState.RETURNED
        else services.submit_project
    )
    return action(project, by=user)


@router.post(
    "/{project_id}/approve",
    response=responses(ProjectDetailOut, 400, 403, 404),
    summary="核准申报（培训中心）",
)
def approve(request: HttpRequest, project_id: PathId, payload: CommentIn) -> Any:
    user = caller(request)
    return services.approve_project(
        selectors.visible_project(user, project_id), by=user, comment=payload.comment
    )


@router.post(
    "/{project_id}/return",
    response=responses(ProjectDetailOut, 400, 403, 404),
    summary="退回修改（培训中心，须写意见）",
)
def return_(request: HttpRequest, project_id: PathId, payload: CommentIn) -> Any:
    user = caller(request)
    return services.return_project(
        selectors.visible_project(user, project_id), by=user, comment=payload.comment
    )


@router.post(
    "/{project_id}/reject",
    response=responses(ProjectDetailOut, 400, 403, 404),
    summary="不通过（培训中心，须写理由）",
)
def reject(request: HttpRequest, project_id: PathId, payload: CommentIn) -> Any:
    user = caller(request)
    return services.reject_project(
        selectors.visible_project(user, project_id), by=user, comment=payload.comment
    )


@router.get(
    "/{project_id}/compare",
    response=responses(list[FieldChangeOut], 400, 404),
    summary="比较两个申报版本",
)
def compare(request: HttpRequest, project_id: PathId, a: RevisionNumber, b: RevisionNumber) -> Any:
    project = selectors.visible_project(caller(request), project_id)
    old = project.revisions.filter(number=a).first()
    new = project.revisions.filter(number=b).first()
    if old is None or new is None:
        raise HttpError(400, _("申报版本不存在。"))
    return [
        {"label": c.label, "old": c.old, "new": c.new, "changed": c.changed}
        for c in selectors.revision_diff(old, new)
    ]


@router.get(
    "/{project_id}/activities", response=responses(list[ActivityOut], 404), summary="项目的研修活动"
)
def list_activities(request: HttpRequest, project_id: PathId) -> Any:
    project = selectors.visible_project(caller(request), project_id)
    return project.activities.prefetch_related("attendance").order_by("starts_at", "pk")


@router.post(
    "/{project_id}/activities",
    response=responses(ActivityOut, 400, 403, 404),
    summary="记录研修活动与考勤",
)
def create_activity(request: HttpRequest, project_id: PathId, payload: ActivityIn) -> Any:
    user = caller(request)
    project = selectors.visible_project(user, project_id)
    data = payload.dict(exclude={"organizer_id", "participant_ids", "attended_ids"})
    data["organizer"] = _teachers(user, [payload.organizer_id])[0] if payload.organizer_id else None
    activity = services.record_activity(
        project,
        by=user,
        data=data,
        participants=_teachers(user, payload.participant_ids),
        attended=_teachers(user, payload.attended_ids),
    )
    out = ActivityOut.from_orm(activity)
    out.exclusion_notice = selectors.exclusion_notice(project, activity.activity_type)
    return out


@router.post(
    "/{project_id}/evidence",
    response=responses(ProjectDetailOut, 400, 403, 404),
    summary="提交实施材料（总结）",
)
def evidence(request: HttpRequest, project_id: PathId, payload: EvidenceIn) -> Any:
    user = caller(request)
    return services.submit_evidence(
        selectors.visible_project(user, project_id), by=user, summary=payload.summary
    )


@router.post(
    "/{project_id}/certify",
    response=responses(CertifyOut, 400, 403, 404),
    summary="评估认定并记入参训教师学分（培训中心）",
)
def certify(request: HttpRequest, project_id: PathId, payload: CertifyIn) -> Any:
    user = caller(request)
    project = selectors.visible_project(user, project_id)
    entries = services.certify_project(
        project, by=user, grade=payload.grade, score=payload.score, comment=payload.comment
    )
    return {
        "project": project,
        "credits": [{"teacher_id": e.teacher_id, "amount": e.amount} for e in entries],
    }
