"""The demo catalog: the centralized classes of the bureau's plan (seed 004), for a region.

``create_demo_catalog`` is idempotent (a class whose code exists is left alone) and
gives the new-teacher class a session running today, so that sign-in can be tried
at once with the region's new teachers, who are admitted to it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from yanxiu.orgs.models import Ownership, Region, Stage, Subject, Teacher, User
from yanxiu.training.models import (
    Approval,
    Course,
    CourseFormat,
    CourseStatus,
    CourseTrack,
    Enrollment,
    EnrollmentStatus,
    RoleRequirement,
    Session,
)

NEW_TEACHERS_ADMITTED = 40


@dataclass(frozen=True)
class DemoClass:
    code: str
    title: str
    track: str
    credits: Decimal
    description: str
    format: str = CourseFormat.CENTRALIZED
    stages: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    ownerships: list[str] = field(default_factory=list)
    subject: str = ""
    max_years: int | None = None
    capacity: int | None = None
    approval: str = Approval.SCHOOL_CENTER
    months: int = 1
    sessions: int = 4


SEED_004 = [
    DemoClass(
        "JX01",
        "小学校长提高培训班",
        CourseTrack.PRINCIPAL,
        Decimal(8),
        "专题：《教育政策与法规》及校本管理研究；交流校长三年任期目标；下半年区外易校蹲点调研。",
        stages=[Stage.PRIMARY],
        roles=[RoleRequirement.PRINCIPAL],
        capacity=40,
    ),
    DemoClass(
        "JX02",
        "局管校级后备干部培训班",
        CourseTrack.RESERVE_CADRE,
        Decimal(16),
        "学习期限两年半：素质教育的理论与实践、办学特色创建、学校管理现代化、成功校长的素养与行为研究；"
        "自学自研为主、短期集中学习为辅，并派出挂职锻炼。",
        roles=[RoleRequirement.MIDDLE, RoleRequirement.PRINCIPAL],
        capacity=30,
        months=30,
        sessions=6,
    ),
    DemoClass(
        "JX03",
        "中小学政教主任培训班",
        CourseTrack.MIDDLE_CADRE,
        Decimal(6),
        "德育教育活动方案设计，组内互相交流和班内优秀德育活动设计方案交流，9月底结业。",
        roles=[RoleRequirement.MIDDLE],
        capacity=50,
    ),
    DemoClass(
        "JX04",
        "班主任轮训",
        CourseTrack.HOMEROOM,
        Decimal(6),
        "家校联系、学生身心发展与学习辅导等专业能力训练。",
        roles=[RoleRequirement.HOMEROOM],
        capacity=120,
        approval=Approval.SCHOOL,
    ),
    DemoClass(
        "JX05",
        "新教师培训班",
        CourseTrack.NEW_TEACHER,
        Decimal(8),
        "帮助新教师尽快熟悉和适应教育教学工作，加强实践培训过程的指导和引领。",
        roles=[RoleRequirement.NEW_TEACHER],
        approval=Approval.NONE,
    ),
    DemoClass(
        "JX06",
        "幼儿教师全员培训",
        CourseTrack.KINDERGARTEN,
        Decimal(6),
        "全员培训、资格培训、新教师培训、保育员培训、骨干教师培训及各类专题培训。",
        stages=[Stage.KINDERGARTEN],
        capacity=200,
        approval=Approval.SCHOOL,
    ),
    DemoClass(
        "JX07",
        "外来务工人员子弟学校教师专项培训",
        CourseTrack.MIGRANT_SCHOOL,
        Decimal(6),
        "参加全区各类教研培训活动、名优教师送教、骨干教师送市参加主题培训。",
        ownerships=[Ownership.MIGRANT],
        capacity=100,
        approval=Approval.SCHOOL,
    ),
    DemoClass(
        "JX08",
        "中小学英语教师质量提升培训",
        CourseTrack.ENGLISH,
        Decimal(8),
        "“请进来、送出去”，提升受训学员专业素质，强化新课程教育理念。",
        subject="英语",
        capacity=60,
    ),
    DemoClass(
        "JX09",
        "学历提高培训",
        CourseTrack.DEGREE,
        Decimal(4),
        "鼓励教师参加学历提高培训，改善知识结构和专业结构。",
        approval=Approval.SCHOOL,
        sessions=0,
    ),
    DemoClass(
        "JX10",
        "小学语文、数学青年教师研讨班（第六期）",
        CourseTrack.SUBJECT,
        Decimal(6),
        "观摩与研讨课、专题讲座与教学经验交流，打造青年骨干力量。",
        stages=[Stage.PRIMARY],
        max_years=5,
        capacity=60,
    ),
    DemoClass(
        "WL01",
        "新课程新教材疑难问题解决（网络课程）",
        CourseTrack.PUBLIC,
        Decimal(8),
        "以“新课程新教材疑难问题解决”为主要内容的网络课程。",
        format=CourseFormat.ONLINE,
        approval=Approval.NONE,
        sessions=0,
    ),
]


def create_demo_catalog(
    region: Region, *, organizer: User, today: datetime.date | None = None
) -> list[Course]:
    """Publish the seed-004 classes in ``region``; returns the classes it created."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    existing = set(Course.objects.filter(region=region).values_list("code", flat=True))
    created = []
    for spec in SEED_004:
        if spec.code in existing:
            continue
        course = Course.objects.create(
            region=region,
            code=spec.code,
            title=spec.title,
            format=spec.format,
            track=spec.track,
            description=spec.description,
            year=today.year,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=30 * spec.months),
            location="区教师进修学校",
            organizer=organizer,
            credit_amount=spec.credits,
            credit_category="online" if spec.format == CourseFormat.ONLINE else "centralized",
            stages=list(spec.stages),
            roles=list(spec.roles),
            ownerships=list(spec.ownerships),
            max_years=spec.max_years,
            capacity=spec.capacity,
            approval=spec.approval,
            status=CourseStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        if spec.subject:
            subject, _ = Subject.objects.get_or_create(name=spec.subject)
            course.subjects.add(subject)
        step = max(1, 30 * spec.months // max(1, spec.sessions))
        Session.objects.bulk_create(
            Session(
                course=course,
                title=f"第{n + 1}次集中学习",
                starts_at=datetime.datetime.combine(
                    today + datetime.timedelta(days=n * step), datetime.time(8, 30), tz
                ),
                ends_at=datetime.datetime.combine(
                    today + datetime.timedelta(days=n * step), datetime.time(17, 0), tz
                ),
                location="区教师进修学校报告厅",
            )
            for n in range(spec.sessions)
        )
        created.append(course)
    new_teacher_class = next((c for c in created if c.track == CourseTrack.NEW_TEACHER), None)
    if new_teacher_class is not None:
        newcomers = Teacher.objects.filter(region=region, is_new_teacher=True, is_active=True)
        Enrollment.objects.bulk_create(
            Enrollment(
                course=new_teacher_class,
                teacher=t,
                status=EnrollmentStatus.APPROVED,
                applied_at=timezone.now(),
            )
            for t in newcomers.order_by("pk")[:NEW_TEACHERS_ADMITTED]
        )
    return created
