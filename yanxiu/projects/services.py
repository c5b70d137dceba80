"""Every change to school plans and school-based projects, one function per transition.

The project life cycle::

    draft → submitted → approved → in_progress → evidence_submitted → certified
              ↓   ↑ (resubmitted)                       ↓
            returned                                 rejected
    (the center may also reject an application under review)

Designated content (指定内容) skips the application: assigning it creates each
school's project already approved. Each function checks the actor's permission
(``yanxiu.projects.rules``) and the current state, refuses with a Chinese
message (``ProjectError``), and records a ``ProjectEvent``.

Credits on certification: each participant earns the sum of the credit values of
the activities they attended, leaving out activity types the region's policy for
the project's year excludes (工作例会, 政治学习, 外出休养 by default), capped at the
project's approved credit value. One ledger entry per participant with earnings
above zero, with the project as its source, certified by the center user who
certified the project; a participant who earned nothing gets no entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yanxiu.core.duties import ensure_not_self
from yanxiu.core.errors import DomainError
from yanxiu.credits.models import CreditEntry, Unit
from yanxiu.credits.services import CreditError, post_credit
from yanxiu.notifications.services import notify
from yanxiu.orgs.models import Region, Role, School, Teacher, User
from yanxiu.orgs.selectors import users_holding
from yanxiu.projects.models import (
    EDITABLE_STATES,
    RUNNING_STATES,
    UNDER_REVIEW_STATES,
    ActivityAttendance,
    DesignatedContent,
    FilePurpose,
    Grade,
    PlanState,
    PlanWindow,
    ProjectActivity,
    ProjectEvent,
    ProjectFile,
    ProjectKind,
    ProjectRevision,
    ProjectState,
    SchoolPlan,
    SchoolProject,
)
from yanxiu.projects.selectors import application_snapshot, participant_credits, plan_window


class ProjectError(DomainError):
    """A refused change; ``str()`` is the Chinese message shown to the user."""

    code = "project_refused"


class NotAllowed(ProjectError):
    """The user's role or scope does not allow this change."""

    code = "not_allowed"
    status = 403


APPLICATION_FIELDS = (
    "theme",
    "goals",
    "activities_plan",
    "starts_on",
    "ends_on",
    "hours",
    "credit_value",
    "category",
    "leader",
)
ACTIVITY_FIELDS = (
    "title",
    "activity_type",
    "organizer",
    "starts_at",
    "ends_at",
    "mode",
    "place",
    "minutes",
    "credit_value",
)


def _require(user: User, perm: str, obj: Any, message: str) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed(message)


def _state_label(state: str) -> str:
    return str(ProjectState(state).label)


def _locked(project: SchoolProject) -> SchoolProject:
    """Lock the project's row, then re-read it, so two clicks cannot both move it.

    The caller's instance is refreshed in place, so it shows the new state afterwards.
    """
    SchoolProject.objects.select_for_update().filter(pk=project.pk).values("pk").get()
    project.refresh_from_db()
    return project


def _move(project: SchoolProject, to: str, *, by: User, comment: str = "") -> ProjectEvent:
    event = ProjectEvent.objects.create(
        project=project, from_state=project.state, to_state=to, by=by, comment=comment
    )
    project.state = to
    project.save(update_fields=["state", "updated_at"])
    return event


def _tell(users: Iterable[User], title: str, project: SchoolProject, body: str = "") -> None:
    """Notify the people who must act next, once the change is committed."""
    recipients = list(users)
    url = reverse("projects:detail", args=[project.pk])
    transaction.on_commit(lambda: notify(recipients, title, body=body, url=url))


def _theme(project: SchoolProject) -> dict[str, str]:
    return {"theme": project.theme}


def _center_staff(project: SchoolProject) -> Iterable[User]:
    return users_holding(Role.CENTER_STAFF, region_id=project.school.region_id)


def _school_admins(project: SchoolProject) -> Iterable[User]:
    return users_holding(Role.SCHOOL_ADMIN, school_id=project.school_id)


def _refuse_state(project: SchoolProject, action: str) -> ProjectError:
    return ProjectError(
        _("项目当前状态为「%(state)s」，不能%(action)s。")
        % {"state": _state_label(project.state), "action": action}
    )


# The plan window and the school's yearly plan


def set_plan_window(
    region: Region, year: int, *, opens_on: datetime.date, closes_on: datetime.date, by: User
) -> PlanWindow:
    _require(by, "projects.change_plan_window", region, _("只有教育局或培训中心可以设置申报时间。"))
    if closes_on < opens_on:
        raise ProjectError(_("截止日期不能早于开始日期。"))
    window, _created = PlanWindow.objects.update_or_create(
        region=region,
        year=year,
        defaults={"opens_on": opens_on, "closes_on": closes_on, "updated_by": by},
    )
    return window


def save_school_plan(school: School, year: int, *, by: User, data: Mapping[str, Any]) -> SchoolPlan:
    """Create or change the school's plan for ``year``; a submitted plan is final."""
    plan = SchoolPlan.objects.filter(school=school, year=year).first()
    _require(
        by, "projects.change_plan", plan or school, _("只有本校管理员可以填写本校的研修计划。")
    )
    if plan is None:
        plan = SchoolPlan(school=school, year=year)
    elif plan.state == PlanState.SUBMITTED:
        raise ProjectError(_("%(year)s 年度计划已提交，不能再修改。") % {"year": year})
    for name in ("goals", "content", "schedule", "measures", "planned_hours"):
        setattr(plan, name, data[name])
    plan.save()
    return plan


def submit_school_plan(
    plan: SchoolPlan, *, by: User, principal_confirmed: bool, today: datetime.date | None = None
) -> SchoolPlan:
    """Submit the yearly plan inside the region's window, confirmed by the principal."""
    _require(by, "projects.change_plan", plan, _("只有本校管理员可以提交本校的研修计划。"))
    if plan.state == PlanState.SUBMITTED:
        raise ProjectError(_("计划已于 %(at)s 提交。") % {"at": _when(plan.submitted_at)})
    if not principal_confirmed:
        raise ProjectError(_("请校长确认后再提交计划。"))
    today = today or timezone.localdate()
    window = plan_window(plan.school.region, plan.year)
    if today < window.opens_on:
        raise ProjectError(
            _("%(year)s 年度计划的申报时间为 %(opens)s 至 %(closes)s，尚未开始。")
            % {"year": plan.year, "opens": _day(window.opens_on), "closes": _day(window.closes_on)}
        )
    if today > window.closes_on:
        raise ProjectError(
            _("%(year)s 年度计划的申报已于 %(closes)s 截止，逾期不能提交，请联系培训中心。")
            % {"year": plan.year, "closes": _day(window.closes_on)}
        )
    now = timezone.now()
    plan.state = PlanState.SUBMITTED
    plan.principal_name = by.full_name or by.username
    plan.principal_confirmed_by = by
    plan.principal_confirmed_at = now
    plan.submitted_at = now
    plan.save()
    return plan


def _day(day: datetime.date) -> str:
    return date_format(day, "Y-m-d")


def _when(at: datetime.datetime | None) -> str:
    return "" if at is None else date_format(timezone.localtime(at), "Y-m-d H:i")


# Designated content


@transaction.atomic
def assign_designated(
    content: DesignatedContent, schools: Iterable[School], *, by: User
) -> list[SchoolProject]:
    """Give designated content to schools: each gets an approved project, no application needed."""
    _require(by, "projects.assign_designated", None, _("只有培训中心可以下达指定培训内容。"))
    created = []
    already = set(content.projects.values_list("school_id", flat=True))
    for school in schools:
        _require(by, "projects.assign_designated", school, _("只能向本区学校下达指定培训内容。"))
        if school.pk in already:
            continue
        project = SchoolProject.objects.create(
            school=school,
            year=content.year,
            kind=ProjectKind.DESIGNATED,
            designated=content,
            theme=content.title,
            goals=content.description,
            activities_plan=content.description,
            starts_on=datetime.date(content.year, 1, 1),
            ends_on=datetime.date(content.year, 12, 31),
            hours=content.hours,
            credit_value=content.credit_value,
            created_by=by,
            state=ProjectState.APPROVED,
        )
        project.participants.set(school.teachers.filter(is_active=True))
        ProjectEvent.objects.create(
            project=project,
            from_state="",
            to_state=ProjectState.APPROVED,
            by=by,
            comment=_("指定培训内容，由培训中心下达"),
        )
        created.append(project)
    return created


# The application (自主培训内容)


@transaction.atomic
def save_application(
    project: SchoolProject | None,
    *,
    school: School,
    by: User,
    data: Mapping[str, Any],
    participants: Iterable[Teacher],
) -> SchoolProject:
    """Create a draft application or change one that is a draft or was returned."""
    if project is None:
        _require(by, "projects.change_project", school, _("只有本校管理员可以申报本校项目。"))
        project = SchoolProject(school=school, created_by=by, kind=ProjectKind.SELF_CHOSEN)
    else:
        project = _locked(project)
        _require(by, "projects.change_project", project, _("只有本校管理员可以修改本校项目。"))
        if project.state not in EDITABLE_STATES:
            raise _refuse_state(project, _("修改申报内容"))
    for name in (*APPLICATION_FIELDS, "year"):
        if name in data:
            setattr(project, name, data[name])
    _check_application(project, participants)
    project.save()
    project.participants.set(participants)
    return project


def _check_application(project: SchoolProject, participants: Iterable[Teacher]) -> None:
    if project.ends_on < project.starts_on:
        raise ProjectError(_("结束日期不能早于开始日期。"))
    outsiders = [t.name for t in participants if t.school_id != project.school_id]
    if project.leader is not None and project.leader.school_id != project.school_id:
        outsiders.append(project.leader.name)
    if outsiders:
        raise ProjectError(_("以下教师不是本校教师：%(names)s") % {"names": "、".join(outsiders)})


def _submit(project: SchoolProject, *, by: User, to: str, today: datetime.date | None) -> None:
    if project.kind != ProjectKind.SELF_CHOSEN:
        raise ProjectError(_("指定培训内容无需申报。"))
    today = today or timezone.localdate()
    if project.starts_on < today:
        raise ProjectError(
            _("项目已于 %(day)s 开始；自主培训项目须在实施前申报，请调整开始日期。")
            % {"day": _day(project.starts_on)}
        )
    if not project.participants.exists():
        raise ProjectError(_("请先选择参训教师。"))
    number = project.revisions.count() + 1
    ProjectRevision.objects.create(
        project=project, number=number, snapshot=application_snapshot(project), submitted_by=by
    )
    _move(project, to, by=by)
    _tell(
        _center_staff(project),
        _("%(school)s申报了校本研训项目「%(theme)s」，请审核。")
        % {"school": project.school.name, "theme": project.theme},
        project,
    )


@transaction.atomic
def submit_project(
    project: SchoolProject, *, by: User, today: datetime.date | None = None
) -> SchoolProject:
    project = _locked(project)
    _require(by, "projects.submit_project", project, _("只有本校管理员可以提交本校项目。"))
    if project.state != ProjectState.DRAFT:
        raise _refuse_state(project, _("提交申报"))
    _submit(project, by=by, to=ProjectState.SUBMITTED, today=today)
    return project


@transaction.atomic
def resubmit_project(
    project: SchoolProject, *, by: User, today: datetime.date | None = None
) -> SchoolProject:
    project = _locked(project)
    _require(by, "projects.submit_project", project, _("只有本校管理员可以提交本校项目。"))
    if project.state != ProjectState.RETURNED:
        raise _refuse_state(project, _("重新提交申报"))
    _submit(project, by=by, to=ProjectState.RESUBMITTED, today=today)
    return project


def _ensure_not_own(project: SchoolProject, by: User, action: str) -> None:
    """Nobody decides on a project they created, submitted, lead or take part in."""
    people: set[int | None] = {project.created_by_id}
    people.update(project.revisions.values_list("submitted_by_id", flat=True))
    people.update(
        project.events.filter(to_state=ProjectState.EVIDENCE_SUBMITTED).values_list(
            "by_id", flat=True
        )
    )
    people.update(
        Teacher.objects.filter(Q(pk=project.leader_id) | Q(training_projects=project)).values_list(
            "user_id", flat=True
        )
    )
    ensure_not_self(by, people, action, error=NotAllowed)


def _review(project: SchoolProject, by: User, action: str) -> SchoolProject:
    project = _locked(project)
    if by.has_perm("projects.change_project", project) and not by.has_perm(
        "projects.review_project", project
    ):
        raise NotAllowed(_("学校管理员不能审批本校的项目，项目须由培训中心审批。"))
    _require(by, "projects.review_project", project, _("只有培训中心可以审批项目。"))
    _ensure_not_own(project, by, action)
    if project.state not in UNDER_REVIEW_STATES:
        raise _refuse_state(project, action)
    return project


@transaction.atomic
def approve_project(project: SchoolProject, *, by: User, comment: str = "") -> SchoolProject:
    project = _review(project, by, _("核准"))
    _move(project, ProjectState.APPROVED, by=by, comment=comment)
    _tell(
        _school_admins(project),
        _("项目「%(theme)s」已核准，可以组织实施。") % _theme(project),
        project,
        comment,
    )
    return project


@transaction.atomic
def return_project(project: SchoolProject, *, by: User, comment: str) -> SchoolProject:
    project = _review(project, by, _("退回"))
    if not comment.strip():
        raise ProjectError(_("退回时请写明修改意见。"))
    _move(project, ProjectState.RETURNED, by=by, comment=comment)
    _tell(
        _school_admins(project),
        _("项目「%(theme)s」被退回，请修改后重新提交。") % _theme(project),
        project,
        comment,
    )
    return project


@transaction.atomic
def reject_project(project: SchoolProject, *, by: User, comment: str) -> SchoolProject:
    """Refuse an application under review, or the evidence of a finished project."""
    project = _locked(project)
    _require(by, "projects.review_project", project, _("只有培训中心可以作出不通过的决定。"))
    _ensure_not_own(project, by, _("作出不通过的决定"))
    if project.state not in {*UNDER_REVIEW_STATES, ProjectState.EVIDENCE_SUBMITTED}:
        raise _refuse_state(project, _("作出不通过的决定"))
    if not comment.strip():
        raise ProjectError(_("不通过时请写明理由。"))
    _move(project, ProjectState.REJECTED, by=by, comment=comment)
    _tell(
        _school_admins(project), _("项目「%(theme)s」未通过。") % _theme(project), project, comment
    )
    return project


@transaction.atomic
def start_project(project: SchoolProject, *, by: User) -> SchoolProject:
    project = _locked(project)
    _require(by, "projects.record_activity", project, _("只有本校管理员可以组织本校项目的活动。"))
    if project.state != ProjectState.APPROVED:
        raise _refuse_state(project, _("开始实施"))
    _move(project, ProjectState.IN_PROGRESS, by=by)
    return project


# Activities


@transaction.atomic
def record_activity(
    project: SchoolProject,
    *,
    by: User,
    data: Mapping[str, Any],
    participants: Iterable[Teacher],
    attended: Iterable[Teacher] = (),
) -> ProjectActivity:
    """Record an activity of a running project; the first one starts the project."""
    project = _locked(project)
    _require(by, "projects.record_activity", project, _("只有本校管理员可以记录本校项目的活动。"))
    if project.state not in RUNNING_STATES:
        raise _refuse_state(project, _("记录活动"))
    activity = ProjectActivity(project=project, recorded_by=by)
    for name in ACTIVITY_FIELDS:
        if name in data:
            setattr(activity, name, data[name])
    if activity.ends_at < activity.starts_at:
        raise ProjectError(_("活动结束时间不能早于开始时间。"))
    expected = {t.pk for t in participants}
    present = {t.pk for t in attended}
    members = set(project.participants.values_list("pk", flat=True))
    if not expected:
        expected = members
    if (expected | present) - members:
        raise ProjectError(_("活动参加者须是本项目的参训教师。"))
    activity.save()
    ActivityAttendance.objects.bulk_create(
        ActivityAttendance(activity=activity, teacher_id=pk, attended=pk in present)
        for pk in sorted(expected | present)
    )
    if project.state == ProjectState.APPROVED:
        start_project(project, by=by)
    return activity


@transaction.atomic
def mark_attendance(activity: ProjectActivity, *, by: User, attended: Iterable[Teacher]) -> int:
    """Set who attended an activity (the others are marked absent); returns how many attended."""
    project = _locked(activity.project)
    _require(by, "projects.record_activity", project, _("只有本校管理员可以登记本校活动的考勤。"))
    if project.state not in RUNNING_STATES:
        raise _refuse_state(project, _("修改考勤"))
    present = {t.pk for t in attended}
    expected = set(activity.attendance.values_list("teacher_id", flat=True))
    if present - expected:
        raise ProjectError(_("只能为本活动的参加者登记出勤。"))
    activity.attendance.update(attended=False)
    return activity.attendance.filter(teacher_id__in=present).update(attended=True)


def add_file(
    project: SchoolProject,
    upload: UploadedFile,
    *,
    by: User,
    purpose: str,
    activity: ProjectActivity | None = None,
) -> ProjectFile:
    """Keep an activity's material or the project's evidence in default storage."""
    perm = (
        "projects.submit_evidence"
        if purpose == FilePurpose.EVIDENCE
        else "projects.record_activity"
    )
    _require(by, perm, project, _("只有本校管理员可以上传本校项目的材料。"))
    if project.state not in RUNNING_STATES:
        raise _refuse_state(project, _("上传材料"))
    return ProjectFile.objects.create(
        project=project,
        activity=activity,
        purpose=purpose,
        file=upload,
        name=upload.name or "",
        uploaded_by=by,
    )


# Evidence, evaluation and certification


@transaction.atomic
def submit_evidence(
    project: SchoolProject, *, by: User, summary: str, files: Iterable[UploadedFile] = ()
) -> SchoolProject:
    project = _locked(project)
    _require(by, "projects.submit_evidence", project, _("只有本校管理员可以提交本校项目的材料。"))
    if project.state != ProjectState.IN_PROGRESS:
        raise _refuse_state(project, _("提交实施材料"))
    if not summary.strip():
        raise ProjectError(_("请填写实施总结。"))
    if not project.activities.exists():
        raise ProjectError(_("项目还没有记录任何活动，不能提交实施材料。"))
    for upload in files:
        add_file(project, upload, by=by, purpose=FilePurpose.EVIDENCE)
    project.evidence_summary = summary
    project.save(update_fields=["evidence_summary", "updated_at"])
    _move(project, ProjectState.EVIDENCE_SUBMITTED, by=by)
    _tell(
        _center_staff(project),
        _("%(school)s提交了项目「%(theme)s」的实施材料，请评估认定。")
        % {"school": project.school.name, "theme": project.theme},
        project,
    )
    return project


@transaction.atomic
def certify_project(
    project: SchoolProject,
    *,
    by: User,
    grade: str,
    score: Decimal | None = None,
    comment: str = "",
) -> list[CreditEntry]:
    """Evaluate and certify the project; post each participant's credits once. Returns entries."""
    project = _locked(project)
    _require(by, "projects.certify_project", project, _("只有培训中心可以认定项目学分。"))
    _ensure_not_own(project, by, _("认定"))
    if project.state in RUNNING_STATES:
        raise ProjectError(_("学校尚未提交实施材料，不能认定。"))
    if project.state != ProjectState.EVIDENCE_SUBMITTED:
        raise _refuse_state(project, _("认定"))
    if grade == Grade.FAIL:
        raise ProjectError(_("评估为不合格的项目请选择「不通过」。"))
    project.grade = grade
    project.score = score
    project.evaluation_comment = comment
    project.certified_by = by
    project.certified_at = timezone.now()
    project.save(
        update_fields=["grade", "score", "evaluation_comment", "certified_by", "certified_at"]
    )
    _move(project, ProjectState.CERTIFIED, by=by, comment=comment)
    earned = {pk: amount for pk, amount in participant_credits(project).items() if amount > 0}
    teachers = Teacher.objects.select_related("user").in_bulk(list(earned))
    try:
        entries = [_post(project, teachers[pk], amount, by=by) for pk, amount in earned.items()]
    except CreditError as exc:
        # The whole certification rolls back: no participant is credited twice or half.
        raise ProjectError(str(exc)) from exc
    _tell(
        _school_admins(project), _("项目「%(theme)s」已认定。") % _theme(project), project, comment
    )
    for entry in entries:
        user = teachers[entry.teacher_id].user
        if user is not None:
            _tell(
                [user],
                _("校本研训项目「%(theme)s」为您认定了 %(amount)s 学分。")
                % {"theme": project.theme, "amount": f"{entry.amount:.2f}"},
                project,
            )
    return entries


def _post(project: SchoolProject, teacher: Teacher, amount: Decimal, *, by: User) -> CreditEntry:
    return post_credit(
        teacher=teacher,
        year=project.year,
        category=project.category,
        amount=amount,
        unit=Unit.CREDIT,
        source=project,
        certified_by=by,
        occurred_on=min(project.ends_on, timezone.localdate()),
        reason=_("校本研训项目认定"),
    )
