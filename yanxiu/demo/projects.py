"""Demo school-based projects: one school at each step of the life cycle (seeds 000, 001, 004).

``create_demo_projects`` assigns the seed-004 designated content to the region's
first schools, files their yearly plans, and walks one self-chosen project per
school through the services to a different state: submitted, returned with a
comment, running with activities (one of them a routine meeting that earns
nothing), evidence submitted, and certified with credits on the ledger. It does
nothing when the region already has projects.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yanxiu.orgs.models import Region, Role, RoleAssignment, School, SchoolKind, Teacher, User
from yanxiu.projects import services
from yanxiu.projects.models import (
    ActivityType,
    DesignatedContent,
    Grade,
    PlanState,
    SchoolPlan,
    SchoolProject,
)

STEPS = ("submitted", "returned", "in_progress", "evidence_submitted", "certified")
THEMES = (
    "以学定教的课堂观察与诊断",
    "大单元作业设计与评价",
    "小课题研究促进教师专业成长",
    "有效反思提升教师综合素养",
    "集体备课优化教学设计",
)
ACTIVITIES = (
    ("集体备课：单元整体设计", ActivityType.LESSON_PREP, Decimal(2)),
    ("观课磨课：研究课第一轮", ActivityType.LESSON_POLISHING, Decimal(2)),
    ("十月工作例会", ActivityType.ROUTINE_MEETING, Decimal(1)),
)


@transaction.atomic
def create_demo_projects(
    region: Region, *, center: User, today: datetime.date | None = None
) -> list[SchoolProject]:
    """Put the first schools of ``region`` at successive steps; returns the projects made."""
    if SchoolProject.objects.filter(school__region=region).exists():
        return []
    today = today or timezone.localdate()
    admins = {
        a.school_id: a.user
        for a in RoleAssignment.objects.filter(
            region=region, role=Role.SCHOOL_ADMIN, school__isnull=False
        ).select_related("user")
    }
    schools = list(
        School.objects.filter(region=region, kind=SchoolKind.SCHOOL, pk__in=list(admins)).order_by(
            "code"
        )[: len(STEPS)]
    )
    content = DesignatedContent.objects.create(
        region=region,
        year=today.year,
        title="新课程新教材疑难问题解决",
        description="区进修学校指定培训内容，分学科实施，按属地管理原则考核。",
        hours=Decimal(12),
        credit_value=Decimal(4),
        created_by=center,
    )
    made = services.assign_designated(content, schools, by=center)
    for index, (school, step) in enumerate(zip(schools, STEPS, strict=False)):
        admin = admins[school.pk]
        _plan(school, today, admin)
        made.append(_walk(school, step, THEMES[index], admin=admin, center=center, today=today))
    return made


def _plan(school: School, today: datetime.date, admin: User) -> SchoolPlan:
    # Written as submitted in the September window, whatever day the demo is made on.
    submitted_at = datetime.datetime(
        today.year, 9, 20, 10, 0, tzinfo=timezone.get_current_timezone()
    )
    return SchoolPlan.objects.create(
        school=school,
        year=today.year,
        goals="建设学习型学校，推进“六个一”校本研训活动。",
        content="指定内容：新课程新教材疑难问题解决；自主内容：课堂观察、作业设计。",
        schedule="9月制定计划，10–12月分学科实施，12月总结评估。",
        measures="校长为第一责任人，成立校本研训工作领导小组。",
        planned_hours=Decimal(24),
        state=PlanState.SUBMITTED,
        principal_name=admin.full_name or admin.username,
        principal_confirmed_by=admin,
        principal_confirmed_at=submitted_at,
        submitted_at=submitted_at,
    )


def _walk(
    school: School, step: str, theme: str, *, admin: User, center: User, today: datetime.date
) -> SchoolProject:
    starts = today - datetime.timedelta(days=40)
    teachers = list(Teacher.objects.filter(school=school, is_active=True).order_by("pk")[:12])
    project = services.save_application(
        None,
        school=school,
        by=admin,
        data={
            "year": today.year,
            "theme": theme,
            "goals": "聚焦课堂，提升教师" + theme + "的能力。",
            "activities_plan": "每两周一次研修活动，集体备课、观课磨课交替进行。",
            "starts_on": starts,
            "ends_on": starts + datetime.timedelta(days=90),
            "hours": Decimal(16),
            "credit_value": Decimal(6),
            "leader": teachers[0] if teachers else None,
        },
        participants=teachers,
    )
    applied_on = starts - datetime.timedelta(days=10)
    services.submit_project(project, by=admin, today=applied_on)
    if step == "submitted":
        return project
    if step == "returned":
        services.return_project(project, by=center, comment="请写明每次活动的主题、时间和负责人。")
        return project
    services.approve_project(project, by=center, comment="同意实施。")
    for offset, (title, kind, credit) in enumerate(ACTIVITIES):
        at = timezone.make_aware(
            datetime.datetime.combine(
                starts + datetime.timedelta(days=14 * offset), datetime.time(14)
            )
        )
        services.record_activity(
            project,
            by=admin,
            data={
                "title": title,
                "activity_type": kind,
                "starts_at": at,
                "ends_at": at + datetime.timedelta(hours=2),
                "place": "学校会议室",
                "minutes": "围绕主题研讨，形成改进建议。",
                "credit_value": credit,
                "organizer": teachers[0] if teachers else None,
            },
            participants=[],
            attended=teachers[: len(teachers) - offset],
        )
    if step == "in_progress":
        return project
    services.submit_evidence(
        project, by=admin, summary="完成三次研修活动，形成教学设计与观课记录。"
    )
    if step == "certified":
        services.certify_project(
            project, by=center, grade=Grade.GOOD, score=Decimal(86), comment="过程扎实，记录完整。"
        )
    return project
