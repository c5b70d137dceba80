"""School-based training projects (校本研训项目): the yearly plan, projects, activities, evidence.

A school submits its yearly plan (校本研修培训计划申报表) in the window the region
sets; designated content (指定内容) arrives from the training center as projects
that need no application; self-chosen content (自主培训内容) is applied for,
reviewed (each submission kept as a revision), run as activities with
attendance, evidenced and certified. Every state change is a ``ProjectEvent``.
State changes happen only in ``yanxiu.projects.services``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yanxiu.core.uploads import PrivateFileField
from yanxiu.credits.models import Category
from yanxiu.orgs.models import Region, Role, School, Teacher, school_path
from yanxiu.orgs.scoping import Scope, ScopedQuerySet, path_q

DEFAULT_WINDOW_OPENS = (9, 15)
DEFAULT_WINDOW_CLOSES = (9, 30)
ZERO = Decimal("0")
NOT_NEGATIVE = MinValueValidator(ZERO)


class PlanWindow(models.Model):
    """The yearly plan's submission window of a region (校本研修计划申报时间)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("计划申报时间")
        verbose_name_plural = _("计划申报时间")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="plan_window_once_a_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="plan_window_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.opens_on} – {self.closes_on}"

    @classmethod
    def default_for(cls, region: Region, year: int) -> PlanWindow:
        """The seed's window, 15–30 September, used until the region sets its own."""
        return cls(
            region=region,
            year=year,
            opens_on=datetime.date(year, *DEFAULT_WINDOW_OPENS),
            closes_on=datetime.date(year, *DEFAULT_WINDOW_CLOSES),
        )

    def is_open(self, on: datetime.date) -> bool:
        return self.opens_on <= on <= self.closes_on


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class SchoolPlan(models.Model):
    """A school's yearly plan (校本研修培训计划申报表), confirmed by the principal."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="training_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    goals = models.TextField(_("研修目标"))
    content = models.TextField(_("研修内容（指定内容与自主内容）"))
    schedule = models.TextField(_("时间安排"))
    measures = models.TextField(_("保障措施"), blank=True)
    planned_hours = models.DecimalField(
        _("计划学时"), max_digits=6, decimal_places=1, validators=[NOT_NEGATIVE]
    )
    state = models.CharField(_("状态"), max_length=16, choices=PlanState, default=PlanState.DRAFT)
    principal_name = models.CharField(_("校长确认人"), max_length=64, blank=True)
    principal_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    principal_confirmed_at = models.DateTimeField(_("校长确认时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    org_path = models.CharField(max_length=64, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("校本研修培训计划")
        verbose_name_plural = _("校本研修培训计划")
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="one_training_plan_a_year")
        ]
        ordering = ["-year", "org_path"]

    def __str__(self) -> str:
        return f"{self.school} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.org_path = school_path(self.school_id)
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Plans of the schools in the scope; teachers read their own school's plan."""
        q = path_q(scope.read_paths)
        if scope.school_id:
            q |= Q(school_id=scope.school_id)
        return q


class DesignatedContent(models.Model):
    """Content the training center assigns to schools (指定培训内容)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("培训内容"), max_length=200)
    description = models.TextField(_("要求"), blank=True)
    hours = models.DecimalField(
        _("学时"), max_digits=6, decimal_places=1, validators=[NOT_NEGATIVE]
    )
    credit_value = models.DecimalField(
        _("学分"), max_digits=6, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指定培训内容")
        verbose_name_plural = _("指定培训内容")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Region staff see their region's content; schools see what was assigned to them."""
        q = Q(pk__in=SchoolProject.objects.filter(path_q(scope.read_paths)).values("designated_id"))
        if scope.has_role(Role.BUREAU_ADMIN, Role.CENTER_STAFF):
            q |= Q(region_id__in=scope.region_ids)
        return q


class ProjectKind(models.TextChoices):
    DESIGNATED = "designated", _("指定内容")
    SELF_CHOSEN = "self_chosen", _("自主内容")


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已申报")
    RETURNED = "returned", _("已退回")
    RESUBMITTED = "resubmitted", _("已重新申报")
    APPROVED = "approved", _("已核准")
    IN_PROGRESS = "in_progress", _("实施中")
    EVIDENCE_SUBMITTED = "evidence_submitted", _("已提交材料")
    CERTIFIED = "certified", _("已认定")
    REJECTED = "rejected", _("未通过")


# States in which the school may still change the application.
EDITABLE_STATES = frozenset({ProjectState.DRAFT, ProjectState.RETURNED})
# States the training center reviews the application in.
UNDER_REVIEW_STATES = frozenset({ProjectState.SUBMITTED, ProjectState.RESUBMITTED})
# States in which the school runs and records activities.
RUNNING_STATES = frozenset({ProjectState.APPROVED, ProjectState.IN_PROGRESS})


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class SchoolProject(models.Model):
    """A school-based training project (校本研训项目), designated or self-chosen."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="training_projects")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(
        _("类型"), max_length=16, choices=ProjectKind, default=ProjectKind.SELF_CHOSEN
    )
    designated = models.ForeignKey(
        DesignatedContent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("指定培训内容"),
    )
    theme = models.CharField(_("研修主题"), max_length=200)
    goals = models.TextField(_("研修目标"))
    activities_plan = models.TextField(_("活动安排"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    hours = models.DecimalField(
        _("学时"), max_digits=6, decimal_places=1, validators=[NOT_NEGATIVE]
    )
    credit_value = models.DecimalField(
        _("学分"),
        max_digits=6,
        decimal_places=2,
        validators=[NOT_NEGATIVE],
        help_text=_("每位参训教师最多可得的学分"),
    )
    category = models.CharField(
        _("学分类别"), max_length=16, choices=Category, default=Category.SCHOOL_BASED
    )
    leader = models.ForeignKey(
        Teacher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_training_projects",
        verbose_name=_("项目负责人"),
    )
    participants = models.ManyToManyField(
        Teacher, related_name="training_projects", verbose_name=_("参训教师"), blank=True
    )
    state = models.CharField(
        _("状态"), max_length=24, choices=ProjectState, default=ProjectState.DRAFT, db_index=True
    )
    evidence_summary = models.TextField(_("实施总结"), blank=True)
    score = models.DecimalField(
        _("评估得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    grade = models.CharField(_("评估等级"), max_length=16, choices=Grade, blank=True)
    evaluation_comment = models.TextField(_("评估意见"), blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certified_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    org_path = models.CharField(max_length=64, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("校本研训项目")
        verbose_name_plural = _("校本研训项目")
        ordering = ["-year", "org_path", "starts_on", "pk"]
        indexes = [models.Index(fields=["year", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.theme

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.org_path = school_path(self.school_id)
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Projects of schools in the scope; a teacher sees the projects they take part in."""
        q = path_q(scope.read_paths)
        if scope.teacher_id:
            q |= Q(
                pk__in=SchoolProject.participants.through.objects.filter(
                    teacher_id=scope.teacher_id
                ).values("schoolproject_id")
            )
        return q

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class ProjectEvent(models.Model):
    """One state change of a project (项目流转记录): from, to, by whom, when, why."""

    project = models.ForeignKey(SchoolProject, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=24, choices=ProjectState, blank=True)
    to_state = models.CharField(_("新状态"), max_length=24, choices=ProjectState)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("项目流转记录")
        verbose_name_plural = _("项目流转记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_state} → {self.to_state}"


class ProjectRevision(models.Model):
    """The application as it stood at one submission (申报版本), kept to compare revisions."""

    project = models.ForeignKey(SchoolProject, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("版本"))
    snapshot = models.JSONField(_("申报内容"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报版本")
        verbose_name_plural = _("申报版本")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.number}"


class ActivityType(models.TextChoices):
    """Kinds of training activity (研修活动类型); the last three are what policies exclude."""

    LESSON_PREP = "lesson_prep", _("集体备课")
    LESSON_POLISHING = "lesson_polishing", _("观课磨课")
    RESEARCH_TOPIC = "research_topic", _("课题研究")
    EXPERT_LECTURE = "expert_lecture", _("专家讲座")
    SALON = "salon", _("沙龙")
    SEMINAR = "seminar", _("专题研讨")
    OPEN_LESSON = "open_lesson", _("公开课/示范课/研究课")
    JOINT_MEETING = "joint_meeting", _("联席会议")
    ROUTINE_MEETING = "routine_meeting", _("工作例会")
    POLITICAL_STUDY = "political_study", _("政治学习")
    RECREATION = "recreation", _("外出休养")


class PlaceMode(models.TextChoices):
    OFFLINE = "offline", _("线下")
    ONLINE = "online", _("线上")


class ProjectActivity(models.Model):
    """A training activity of a project (研修活动), with its attendance and minutes."""

    project = models.ForeignKey(SchoolProject, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=200)
    activity_type = models.CharField(_("活动类型"), max_length=32, choices=ActivityType)
    organizer = models.ForeignKey(
        Teacher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织者"),
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    mode = models.CharField(_("形式"), max_length=16, choices=PlaceMode, default=PlaceMode.OFFLINE)
    place = models.CharField(_("地点或链接"), max_length=200)
    minutes = models.TextField(_("活动纪要"), blank=True)
    credit_value = models.DecimalField(
        _("学分"), max_digits=6, decimal_places=2, default=ZERO, validators=[NOT_NEGATIVE]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    org_path = models.CharField(max_length=64, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("研修活动")
        verbose_name_plural = _("研修活动")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="activity_times_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.org_path = SchoolProject.objects.values_list("org_path", flat=True).get(
            pk=self.project_id
        )
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Activities of schools in the scope, and those a teacher is expected at."""
        q = path_q(scope.read_paths)
        if scope.teacher_id:
            q |= Q(
                pk__in=ActivityAttendance.objects.filter(teacher_id=scope.teacher_id).values(
                    "activity_id"
                )
            )
        return q


class ActivityAttendance(models.Model):
    """A teacher expected at an activity (活动考勤), and whether they attended."""

    activity = models.ForeignKey(
        ProjectActivity, on_delete=models.CASCADE, related_name="attendance"
    )
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("出勤"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("活动考勤")
        verbose_name_plural = _("活动考勤")
        constraints = [
            models.UniqueConstraint(fields=["activity", "teacher"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} @ {self.activity_id}"


class FilePurpose(models.TextChoices):
    MATERIAL = "material", _("活动资料")
    EVIDENCE = "evidence", _("实施证明材料")


class ProjectFile(models.Model):
    """A file of a project (项目材料): an activity's material or the project's evidence."""

    project = models.ForeignKey(SchoolProject, on_delete=models.CASCADE, related_name="files")
    activity = models.ForeignKey(
        ProjectActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    purpose = models.CharField(_("用途"), max_length=16, choices=FilePurpose)
    file = PrivateFileField(_("文件"), prefix="projects", display_name_field="name")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目材料")
        verbose_name_plural = _("项目材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
