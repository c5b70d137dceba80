"""Training: the center's catalog of courses and classes, their sessions, enrollment and attendance.

A ``Course`` is one catalog entry, an online course or a centralized class
(集中培训班). Teachers enroll (or are nominated), the approval chain set on the
course decides who must agree, sessions are signed in to by a rotating code, and
closing the course posts credits once per teacher who met the completion rule.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yanxiu.credits.models import Category, Unit
from yanxiu.orgs.models import Region, School, Subject, Teacher, User, school_path
from yanxiu.orgs.scoping import Scope, ScopedQuerySet, path_q


class CourseFormat(models.TextChoices):
    CENTRALIZED = "centralized", _("集中培训班")
    ONLINE = "online", _("网络课程")


class CourseTrack(models.TextChoices):
    """What kind of course or class it is, in the bureau's words (seed 004)."""

    SUBJECT = "subject", _("学科课程")
    PUBLIC = "public", _("公共课程")
    PRINCIPAL = "principal", _("校长提高培训")
    RESERVE_CADRE = "reserve_cadre", _("后备干部培训")
    MIDDLE_CADRE = "middle_cadre", _("中层干部专题培训")
    HOMEROOM = "homeroom", _("班主任培训")
    NEW_TEACHER = "new_teacher", _("新教师培训")
    KINDERGARTEN = "kindergarten", _("幼儿园教师培训")
    MIGRANT_SCHOOL = "migrant_school", _("外来务工人员子弟学校教师培训")
    ENGLISH = "english", _("英语教师培训")
    DEGREE = "degree", _("学历提升")
    OTHER = "other", _("其他")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结班")


class Approval(models.TextChoices):
    """Who must agree before an enrollment counts (审核方式)."""

    NONE = "none", _("无需审核")
    SCHOOL = "school", _("学校审核")
    SCHOOL_CENTER = "school_center", _("学校审核后培训中心审核")


class RoleRequirement(models.TextChoices):
    """A post or role a course may require (any one of those listed suffices)."""

    HOMEROOM = "homeroom", _("班主任")
    NEW_TEACHER = "new_teacher", _("新教师")
    PRINCIPAL = "principal", _("校长/副校长")
    MIDDLE = "middle", _("中层干部")
    BACKBONE = "backbone", _("骨干教师")
    FAMOUS = "famous", _("名师")


class CourseQuerySet(ScopedQuerySet["Course"]):
    def open_for_enrollment(self) -> CourseQuerySet:
        return self.filter(status=CourseStatus.PUBLISHED)


class Course(models.Model):
    """A catalog entry (培训课程/培训班) published by the training center."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="courses")
    org_path = models.CharField(max_length=64, db_index=True, editable=False)
    code = models.CharField(_("编号"), max_length=32, blank=True)
    title = models.CharField(_("名称"), max_length=128)
    format = models.CharField(
        _("形式"), max_length=16, choices=CourseFormat, default=CourseFormat.CENTRALIZED
    )
    track = models.CharField(
        _("类别"), max_length=32, choices=CourseTrack, default=CourseTrack.OTHER
    )
    description = models.TextField(_("简介"), blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=128, blank=True)
    organizer = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_courses",
        verbose_name=_("负责人"),
    )
    credit_amount = models.DecimalField(
        _("学分/学时"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    credit_unit = models.CharField(_("单位"), max_length=8, choices=Unit, default=Unit.CREDIT)
    credit_category = models.CharField(
        _("学分类别"), max_length=16, choices=Category, default=Category.CENTRALIZED
    )
    # Eligibility: an empty list means "any".
    stages = models.JSONField(_("适用学段"), default=list, blank=True)
    subjects = models.ManyToManyField(Subject, verbose_name=_("适用学科"), blank=True)
    roles = models.JSONField(_("适用对象"), default=list, blank=True)
    ownerships = models.JSONField(_("适用学校办学性质"), default=list, blank=True)
    min_years = models.PositiveSmallIntegerField(_("最低教龄"), null=True, blank=True)
    max_years = models.PositiveSmallIntegerField(_("最高教龄"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    approval = models.CharField(
        _("审核方式"), max_length=16, choices=Approval, default=Approval.SCHOOL_CENTER
    )
    # Completion rule (结业条件).
    completion_rate = models.PositiveSmallIntegerField(
        _("出勤率要求(%)"), default=80, validators=[MaxValueValidator(100)]
    )
    max_irregular = models.PositiveSmallIntegerField(
        _("迟到/早退上限"), null=True, blank=True, help_text=_("留空表示不限")
    )
    grace_minutes = models.PositiveSmallIntegerField(_("迟到/早退宽限(分钟)"), default=10)
    status = models.CharField(
        _("状态"), max_length=16, choices=CourseStatus, default=CourseStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结班时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-year", "starts_on", "pk"]
        indexes = [models.Index(fields=["region", "status", "year"])]

    def __str__(self) -> str:
        # What the ledger shows as the credit's source: "2026年新教师培训班".
        return f"{self.year}年{self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.org_path = f"{self.region_id}/"
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Drafts to the region's center and bureau; published and closed ones to its people."""
        public = Q(status__in=[CourseStatus.PUBLISHED, CourseStatus.CLOSED])
        region_people = Q(region_id__in=scope.region_ids)
        if scope.school_id:
            region_people |= Q(
                region_id__in=School.objects.filter(pk=scope.school_id).values("region_id")
            )
        return path_q(scope.manage_paths) | (public & region_people)

    @property
    def is_centralized(self) -> bool:
        return self.format == CourseFormat.CENTRALIZED


class CourseRequestKind(models.TextChoices):
    ADD = "add", _("新增课程")
    CHANGE = "change", _("调整课程")


class CourseRequestStatus(models.TextChoices):
    PENDING = "pending", _("待答复")
    ACCEPTED = "accepted", _("已采纳")
    DECLINED = "declined", _("未采纳")


class CourseRequest(models.Model):
    """A school's request that the center add or change a course (课程需求申请)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="course_requests")
    org_path = models.CharField(max_length=64, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=CourseRequestKind)
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("涉及课程"),
    )
    title = models.CharField(_("标题"), max_length=128)
    details = models.TextField(_("需求说明"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CourseRequestStatus, default=CourseRequestStatus.PENDING
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程需求申请")
        verbose_name_plural = _("课程需求申请")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.org_path = school_path(self.school_id)
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        return path_q(scope.read_paths)


class CourseRequestComment(models.Model):
    """A comment in the conversation about a course request (意见)."""

    request = models.ForeignKey(CourseRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("意见"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("课程需求意见")
        verbose_name_plural = _("课程需求意见")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:30]


class Session(models.Model):
    """One meeting of a class (培训场次), with the times that decide late and early."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("主题"), max_length=128)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    location = models.CharField(_("地点"), max_length=128, blank=True)
    teacher_name = models.CharField(_("授课人"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.title}"

    @property
    def duration(self) -> datetime.timedelta:
        return self.ends_at - self.starts_at


class EnrollmentStatus(models.TextChoices):
    PENDING_SCHOOL = "pending_school", _("待学校审核")
    PENDING_CENTER = "pending_center", _("待培训中心审核")
    APPROVED = "approved", _("已录取")
    WAITLISTED = "waitlisted", _("候补")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已退出")


# Statuses that hold (or wait for) a place; a teacher may have at most one such row per course.
ACTIVE_STATUSES = (
    EnrollmentStatus.PENDING_SCHOOL,
    EnrollmentStatus.PENDING_CENTER,
    EnrollmentStatus.APPROVED,
    EnrollmentStatus.WAITLISTED,
)


class Enrollment(models.Model):
    """A teacher's place in a course (报名), from application to admission or withdrawal."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(_("状态"), max_length=16, choices=EnrollmentStatus)
    nominated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("推荐人"),
    )
    applied_at = models.DateTimeField(_("报名时间"))
    # When the teacher joined the waitlist; the earliest is promoted first.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    credit_posted = models.BooleanField(_("学分已登记"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "teacher"], name="enroll_once_per_course")
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.teacher} · {self.course}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        q = path_q(scope.read_paths, field="teacher__org_path")
        if scope.teacher_id:
            q |= Q(teacher_id=scope.teacher_id)
        return q

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class EnrollmentEvent(models.Model):
    """One change of an enrollment's status, with who made it and why (报名记录)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=EnrollmentStatus, blank=True)
    to_status = models.CharField(max_length=16, choices=EnrollmentStatus)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报名记录")
        verbose_name_plural = _("报名记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class AttendanceMethod(models.TextChoices):
    CODE = "code", _("签到码")
    MANUAL = "manual", _("手工登记")
    SHEET = "sheet", _("纸质签到表")


class Attendance(models.Model):
    """A teacher's attendance at one session (考勤): one row per (session, teacher)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="attendances")
    present = models.BooleanField(_("出勤"), default=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    is_late = models.BooleanField(_("迟到"), default=False)
    left_early = models.BooleanField(_("早退"), default=False)
    method = models.CharField(_("方式"), max_length=16, choices=AttendanceMethod)
    marked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["session", "teacher"], name="attend_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} @ {self.session}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        q = path_q(scope.read_paths, field="teacher__org_path")
        if scope.teacher_id:
            q |= Q(teacher_id=scope.teacher_id)
        return q
