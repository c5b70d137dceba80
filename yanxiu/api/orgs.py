"""API endpoints for the organization and the roster, scoped exactly as the pages are.

Every queryset goes through ``visible_to``; objects outside the caller's scope
answer 404 (their existence is not revealed); objects in scope that the caller
may not change answer 403.
"""

# No "from __future__ import annotations": ninja reads the parameter annotations at run time.
import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import (
    Field,
    File,
    FilterLookup,
    FilterSchema,
    Query,
    Router,
    Schema,
    UploadedFile,
)
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from yanxiu.api.common import ObjectId, PathId, caller
from yanxiu.api.pagination import Pages
from yanxiu.api.schemas import responses
from yanxiu.imports.engine import REPORT_PAGE_SIZE, ImportFailed, commit_import, preview_import
from yanxiu.imports.forms import check_spreadsheet
from yanxiu.imports.models import ImportJob, Outcome
from yanxiu.imports.tables import UnreadableFile, file_format
from yanxiu.orgs import services
from yanxiu.orgs.disclosure import DisclosedIdentity, disclosed_identity
from yanxiu.orgs.models import (
    YOUNG_TEACHER_MAX_YEARS,
    BackboneLevel,
    Degree,
    Departure,
    Employment,
    Gender,
    Group,
    GroupKind,
    LeadershipPost,
    Ownership,
    RoleAssignment,
    School,
    Stage,
    Subject,
    Teacher,
    TeacherPosting,
    Title,
    User,
    Zone,
    ZoneKind,
)
from yanxiu.orgs.scoping import scope_of
from yanxiu.orgs.selectors import org_summary, visible_teacher
from yanxiu.orgs.sheets import import_job_list
from yanxiu.roster.importer import RosterImport

router = Router(tags=["orgs"])


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("没有权限执行此操作"))


# --- me ----------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    label: str
    region_id: int
    zone_id: int | None
    school_id: int | None
    group_id: int | None

    @staticmethod
    def resolve_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())


class SummaryOut(Schema):
    zones: int
    schools: int
    teachers: int


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_superuser: bool
    roles: list[str]
    assignments: list[RoleOut]
    teacher_id: int | None
    school_id: int | None
    summary: SummaryOut


@router.get("/me", response=responses(MeOut), summary="当前用户、角色与可见范围")
def me(request: HttpRequest) -> dict[str, Any]:
    user = caller(request)
    scope = scope_of(user)
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "is_superuser": user.is_superuser,
        "roles": sorted(scope.roles),
        "assignments": list(RoleAssignment.objects.filter(user=user).order_by("pk")),
        "teacher_id": scope.teacher_id,
        "school_id": scope.school_id,
        "summary": org_summary(user),
    }


# --- reference lists -------------------------------------------------------------


class SubjectOut(Schema):
    id: int
    name: str


@router.get(
    "/subjects", response=responses(list[SubjectOut]), summary="学科（筛选与修改教师学科时用其 ID）"
)
def list_subjects(request: HttpRequest) -> QuerySet[Subject]:
    # A reference list of the whole platform, not data of any school: everyone may read it.
    return Subject.objects.order_by("sort_order", "name", "pk")


# --- zones and schools --------------------------------------------------------


class ZoneOut(Schema):
    id: int
    code: str
    name: str
    kind: ZoneKind
    kind_label: str
    region_id: int

    @staticmethod
    def resolve_kind_label(obj: Zone) -> str:
        return str(obj.get_kind_display())


@router.get("/zones", response=responses(list[ZoneOut]), summary="片区")
@paginate(Pages)
def list_zones(request: HttpRequest) -> QuerySet[Zone]:
    return Zone.objects.visible_to(caller(request)).distinct().order_by("code", "pk")


class SchoolOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    stage: Stage
    stage_label: str
    ownership: Ownership
    ownership_label: str
    zone_id: int | None
    zone_name: str | None
    is_active: bool

    @staticmethod
    def resolve_stage_label(obj: School) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_ownership_label(obj: School) -> str:
        return str(obj.get_ownership_display())

    @staticmethod
    def resolve_zone_name(obj: School) -> str | None:
        return obj.zone.name if obj.zone else None


class HonourOut(Schema):
    kind: str
    label: str
    year: int


class SchoolDetailOut(SchoolOut):
    address: str
    teacher_count: int
    honours: list[HonourOut]

    @staticmethod
    def resolve_honours(obj: School) -> list[dict[str, Any]]:
        return [
            {"kind": h.kind, "label": str(h.get_kind_display()), "year": h.year}
            for h in obj.honours.all()
        ]


class SchoolFilters(FilterSchema):
    zone: Annotated[ObjectId | None, FilterLookup("zone_id")] = None
    stage: Stage | None = None
    ownership: Ownership | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None


def _schools(user: User) -> QuerySet[School]:
    return School.objects.visible_to(user).select_related("zone").order_by("code", "pk")


@router.get(
    "/schools", response=responses(list[SchoolOut]), summary="学校（可按片区、学段、办学性质筛选）"
)
@paginate(Pages)
def list_schools(request: HttpRequest, filters: Query[SchoolFilters]) -> QuerySet[School]:
    return filters.filter(_schools(caller(request)))


@router.get(
    "/schools/{school_id}",
    response=responses(SchoolDetailOut, 404),
    summary="学校详情",
)
def get_school(request: HttpRequest, school_id: PathId) -> School:
    return get_object_or_404(
        _schools(caller(request))
        .prefetch_related("honours")
        .annotate(teacher_count=Count("teachers", filter=Q(teachers__is_active=True))),
        pk=school_id,
    )


# --- groups -------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    name: str
    kind: GroupKind
    kind_label: str
    school_id: int | None
    zone_id: int | None
    subject: str | None
    stage: str
    leader_id: int | None
    leader_name: str | None
    member_count: int
    is_cross_school: bool

    @staticmethod
    def resolve_kind_label(obj: Group) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_subject(obj: Group) -> str | None:
        return obj.subject.name if obj.subject else None

    @staticmethod
    def resolve_leader_name(obj: Group) -> str | None:
        return obj.leader.name if obj.leader else None


class GroupFilters(FilterSchema):
    school: Annotated[ObjectId | None, FilterLookup("school_id")] = None
    zone: Annotated[ObjectId | None, FilterLookup("zone_id")] = None
    kind: GroupKind | None = None
    subject: Annotated[ObjectId | None, FilterLookup("subject_id")] = None


@router.get(
    "/groups", response=responses(list[GroupOut]), summary="研修组（教研组、备课组、学科协作组）"
)
@paginate(Pages)
def list_groups(request: HttpRequest, filters: Query[GroupFilters]) -> QuerySet[Group]:
    groups = (
        Group.objects.visible_to(caller(request))
        .select_related("subject", "leader")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("org_path", "name", "pk")
    )
    return filters.filter(groups)


# --- teachers -----------------------------------------------------------------


def _identity(teacher: Teacher, context: dict[str, Any]) -> DisclosedIdentity:
    """The teacher's ID number and birth as the caller may see them."""
    return disclosed_identity(scope_of(caller(context["request"])), teacher)


class TeacherOut(Schema):
    id: int
    name: str
    id_number_masked: str = Field(
        description="身份证号（脱敏），API 从不返回明文：名册管理者和本人见 3303**********5506，"
        "其他人只见地区前缀 3303**************"
    )
    gender: Gender
    birth_date: datetime.date | None = Field(
        description="出生日期：仅名册管理者和本人可见，其他人为 null"
    )
    birth_year: int
    school_id: int
    school_name: str
    stage: Stage
    stage_label: str
    subjects: list[str]
    title: Title
    title_label: str
    teaching_since: int
    years_teaching: int
    is_young: bool = Field(description=f"青年教师：教龄不超过{YOUNG_TEACHER_MAX_YEARS}年")
    degree: Degree
    backbone_level: BackboneLevel
    is_homeroom_teacher: bool
    is_new_teacher: bool
    is_famous_teacher: bool
    leadership_post: LeadershipPost
    employment: Employment
    is_active: bool

    @staticmethod
    def resolve_id_number_masked(obj: Teacher, context: dict[str, Any]) -> str:
        return _identity(obj, context).id_number

    @staticmethod
    def resolve_birth_date(obj: Teacher, context: dict[str, Any]) -> datetime.date | None:
        return _identity(obj, context).birth_date

    @staticmethod
    def resolve_birth_year(obj: Teacher, context: dict[str, Any]) -> int:
        return _identity(obj, context).birth_year

    @staticmethod
    def resolve_school_name(obj: Teacher) -> str:
        return obj.school.name

    @staticmethod
    def resolve_stage_label(obj: Teacher) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_title_label(obj: Teacher) -> str:
        return str(obj.get_title_display())

    @staticmethod
    def resolve_subjects(obj: Teacher) -> list[str]:
        return [s.name for s in obj.subjects.all()]

    @staticmethod
    def resolve_years_teaching(obj: Teacher) -> int:
        return obj.years_teaching()

    @staticmethod
    def resolve_is_young(obj: Teacher) -> bool:
        return obj.is_young()


class PostingOut(Schema):
    school_id: int
    school_name: str
    start_date: datetime.date
    end_date: datetime.date | None
    note: str

    @staticmethod
    def resolve_school_name(obj: TeacherPosting) -> str:
        return obj.school.name


class TeacherDetailOut(TeacherOut):
    phone: str
    departure: str = Field(description="离岗原因（在岗为空）")
    departed_on: datetime.date | None
    postings: list[PostingOut]

    @staticmethod
    def resolve_postings(obj: Teacher) -> list[TeacherPosting]:
        return list(obj.postings.all())


class TeacherFilters(FilterSchema):
    school: Annotated[ObjectId | None, FilterLookup("school_id")] = None
    stage: Stage | None = None
    subject: Annotated[ObjectId | None, FilterLookup("subjects__id")] = None
    title: Title | None = None
    name: Annotated[
        str | None, Field(max_length=32, description="姓名包含"), FilterLookup("name__contains")
    ] = None
    young: bool | None = Field(None, description=f"true：教龄不超过{YOUNG_TEACHER_MAX_YEARS}年")
    active: Annotated[bool | None, FilterLookup("is_active")] = None

    def filter_young(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        first_young_year = timezone.localdate().year - YOUNG_TEACHER_MAX_YEARS
        young = Q(teaching_since__gte=first_young_year)
        return young if value else ~young


def _teachers(user: User) -> QuerySet[Teacher]:
    return (
        Teacher.objects.visible_to(user)
        .select_related("school")
        .prefetch_related("subjects")
        .order_by("school__code", "name", "pk")
    )


@router.get("/teachers", response=responses(list[TeacherOut]), summary="教师名册（分页，可筛选）")
@paginate(Pages)
def list_teachers(request: HttpRequest, filters: Query[TeacherFilters]) -> QuerySet[Teacher]:
    return filters.filter(_teachers(caller(request)))


@router.get(
    "/teachers/{teacher_id}",
    response=responses(TeacherDetailOut, 404),
    summary="教师详情（身份证号脱敏）",
)
def get_teacher(request: HttpRequest, teacher_id: PathId) -> Teacher:
    return visible_teacher(caller(request), teacher_id)


class TeacherPatch(Schema):
    """The roster fields a roster manager may edit; the school changes only by transfer.

    Every field may be left out; none may be null (the schema does not offer null).
    """

    model_config = ConfigDict(extra="forbid")

    name: str | SkipJsonSchema[None] = Field(None, min_length=1, max_length=32)
    gender: Gender | SkipJsonSchema[None] = None
    stage: Stage | SkipJsonSchema[None] = None
    subjects: list[ObjectId] | SkipJsonSchema[None] = Field(
        None, max_length=20, description="学科 ID 列表"
    )
    title: Title | SkipJsonSchema[None] = None
    teaching_since: int | SkipJsonSchema[None] = Field(
        None, ge=1950, le=2100, description="参加工作年份"
    )
    degree: Degree | SkipJsonSchema[None] = None
    backbone_level: BackboneLevel | SkipJsonSchema[None] = None
    is_homeroom_teacher: bool | SkipJsonSchema[None] = None
    is_new_teacher: bool | SkipJsonSchema[None] = None
    is_famous_teacher: bool | SkipJsonSchema[None] = None
    leadership_post: LeadershipPost | SkipJsonSchema[None] = None
    employment: Employment | SkipJsonSchema[None] = None
    phone: str | SkipJsonSchema[None] = Field(None, max_length=20)

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", "null")
        return value


@router.patch(
    "/teachers/{teacher_id}",
    response=responses(TeacherDetailOut, 400, 403, 404),
    summary="修改教师信息",
)
def update_teacher(request: HttpRequest, teacher_id: PathId, payload: TeacherPatch) -> Teacher:
    user = caller(request)
    teacher = visible_teacher(user, teacher_id)
    _require(user, "orgs.change_teacher", teacher)
    changes = payload.model_dump(exclude_unset=True)
    subject_ids = changes.pop("subjects", None)
    subjects = None
    if subject_ids is not None:
        subjects = list(Subject.objects.filter(pk__in=subject_ids))
        if len(subjects) != len(set(subject_ids)):
            raise DjangoValidationError({"subjects": [_("学科不存在")]})
    for field, value in changes.items():
        setattr(teacher, field, value)
    services.update_teacher(teacher, subjects=subjects, by=user)
    return visible_teacher(user, teacher_id)


class TransferIn(Schema):
    to_school: ObjectId = Field(description="调入学校 ID")
    on: datetime.date = Field(description="调动日期")
    note: str = Field("", max_length=200)


@router.post(
    "/teachers/{teacher_id}/transfer",
    response=responses(TeacherDetailOut, 400, 403, 404),
    summary="教师调动（保留任职经历）",
)
def transfer_teacher(request: HttpRequest, teacher_id: PathId, payload: TransferIn) -> Teacher:
    user = caller(request)
    teacher = visible_teacher(user, teacher_id)
    _require(user, "orgs.transfer_teacher", teacher)
    to_school = School.objects.visible_to(user).filter(pk=payload.to_school).first()
    if to_school is None:
        raise DjangoValidationError({"to_school": [_("调入学校不存在，或不在您的管理范围内")]})
    services.transfer_teacher(teacher, to_school, on=payload.on, by=user, note=payload.note)
    return visible_teacher(user, teacher_id)


class DeactivateIn(Schema):
    reason: Departure = Field(description="离岗原因")
    on: datetime.date = Field(description="离岗日期")


@router.post(
    "/teachers/{teacher_id}/deactivate",
    response=responses(TeacherDetailOut, 400, 403, 404),
    summary="教师离岗（调离/退休；记录与学分保留）",
)
def deactivate_teacher(request: HttpRequest, teacher_id: PathId, payload: DeactivateIn) -> Teacher:
    user = caller(request)
    teacher = visible_teacher(user, teacher_id)
    _require(user, "orgs.change_teacher", teacher)
    services.deactivate_teacher(teacher, reason=payload.reason, on=payload.on, by=user)
    return visible_teacher(user, teacher_id)


# --- roster import --------------------------------------------------------------


class CellErrorOut(Schema):
    column: str = Field(description="列名（为空表示整行或整个文件）")
    message: str


class RowReportOut(Schema):
    row: int = Field(description="文件中的行号")
    outcome: Outcome
    label: str
    errors: list[CellErrorOut]


class ImportJobOut(Schema):
    id: int
    status: ImportJob.Status
    original_name: str
    total_rows: int
    valid_rows: int
    rejected_rows: int
    created_rows: int
    updated_rows: int
    unchanged_rows: int
    failure: str
    file_errors: list[CellErrorOut]
    rows: list[RowReportOut] = Field(
        description=f"报告的前 {REPORT_PAGE_SIZE} 行；全部行见 /roster/jobs/{{job_id}}/rows（分页）"
    )
    errors_left_out: int = Field(description="因错误过多未逐条记录错误的行数")

    @staticmethod
    def resolve_file_errors(obj: ImportJob) -> list[dict[str, str]]:
        return [{"column": e.column, "message": e.message} for e in obj.file_errors]

    @staticmethod
    def resolve_rows(obj: ImportJob) -> list[dict[str, Any]]:
        return _row_reports(obj)[:REPORT_PAGE_SIZE]


def _row_reports(job: ImportJob) -> list[dict[str, Any]]:
    return [
        {
            "row": r.row_number,
            "outcome": r.outcome,
            "label": r.label,
            "errors": [{"column": e.column, "message": e.message} for e in r.errors],
        }
        for r in job.row_reports()
    ]


def _roster_manager(request: HttpRequest) -> User:
    user = caller(request)
    if not user.has_perm("orgs.manage_roster"):
        raise PermissionDenied(_("您没有管理教师名册的权限"))
    return user


def _roster_job(user: User, job_id: int) -> ImportJob:
    jobs = import_job_list(user, kind=RosterImport.kind)
    return get_object_or_404(jobs, pk=job_id)


@router.post(
    "/roster/preview",
    response=responses(ImportJobOut, 400, 403),
    summary="名册导入预览：逐行报告，不写入任何数据",
)
def preview_roster(request: HttpRequest, file: File[UploadedFile]) -> ImportJob:
    user = _roster_manager(request)
    try:
        file_format(file.name or "")
        check_spreadsheet(file)
    except UnreadableFile as exc:
        raise DjangoValidationError({"file": [str(exc)]}) from None
    except DjangoValidationError as exc:
        raise DjangoValidationError({"file": exc.messages}) from None
    return preview_import(RosterImport(by=user), file, by=user)


@router.get(
    "/roster/jobs/{job_id}",
    response=responses(ImportJobOut, 403, 404),
    summary="名册导入任务及报告",
)
def get_roster_job(request: HttpRequest, job_id: PathId) -> ImportJob:
    return _roster_job(_roster_manager(request), job_id)


@router.get(
    "/roster/jobs/{job_id}/rows",
    response=responses(list[RowReportOut], 403, 404),
    summary="名册导入报告：逐行结果（分页）",
)
@paginate(Pages)
def list_roster_job_rows(request: HttpRequest, job_id: PathId) -> list[dict[str, Any]]:
    return _row_reports(_roster_job(_roster_manager(request), job_id))


@router.post(
    "/roster/commit/{job_id}",
    response=responses(ImportJobOut, 403, 404),
    summary="名册导入：写入预览中的有效行（一次事务）",
)
def commit_roster(request: HttpRequest, job_id: PathId) -> ImportJob:
    user = _roster_manager(request)
    job = _roster_job(user, job_id)
    try:
        return commit_import(job, RosterImport(by=user))
    except ImportFailed as exc:
        raise DjangoValidationError(str(exc)) from None
