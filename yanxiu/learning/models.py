"""Online study (网络研修): the units of an online course, what each teacher studied, and when.

Content hangs off the training catalog's ``Course`` (format 网络课程): a course has
ordered units (video, document, page, quiz). Study time is measured by the server
(see ``yanxiu.learning.judge``) and lands here in batches: one ``StudySession`` per
continuous viewing, a ``UnitProgress`` per teacher and unit, a ``StudyDay`` per
teacher and day for the daily cap and the monthly record.
"""

from __future__ import annotations

import math

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yanxiu.core.audit import register as register_audited
from yanxiu.core.uploads import COURSE_VIDEOS, PrivateFileField, is_quarantined
from yanxiu.credits.models import CreditEntry
from yanxiu.learning.judge import Reason
from yanxiu.orgs.models import Region, Teacher, User
from yanxiu.orgs.scoping import Scope, ScopedQuerySet, path_q
from yanxiu.training.models import Course


def own_or_subtree(scope: Scope) -> Q:
    """Rows about a teacher: the teacher's own, and those of teachers in the scope's subtrees."""
    q = path_q(scope.read_paths, field="teacher__org_path")
    if scope.teacher_id:
        q |= Q(teacher_id=scope.teacher_id)
    return q


class StudyLimits(models.Model):
    """A region's limits on counting online study time (网络研修计时规则)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="study_limits")
    daily_cap_minutes = models.PositiveSmallIntegerField(
        _("每日计时上限(分钟)"), default=240, validators=[MaxValueValidator(24 * 60)]
    )
    idle_prompt_minutes = models.PositiveSmallIntegerField(
        _("在线确认间隔(分钟)"), default=20, validators=[MinValueValidator(1)]
    )
    watched_share = models.PositiveSmallIntegerField(
        _("视频完成比例(%)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("网络研修计时规则")
        verbose_name_plural = _("网络研修计时规则")

    def __str__(self) -> str:
        return str(self.region)


class UnitKind(models.TextChoices):
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("文档")
    PAGE = "page", _("图文")
    QUIZ = "quiz", _("测验")


# Units that are read: they complete on opening, or on the clock when given a reading time.
READING_KINDS = (UnitKind.DOCUMENT, UnitKind.PAGE)


class CourseUnit(models.Model):
    """One unit of an online course (课程单元): a video, a document, a page or a quiz."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="units", verbose_name=_("课程")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind)
    title = models.CharField(_("标题"), max_length=128)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_published = models.BooleanField(_("已发布"), default=False)
    is_required = models.BooleanField(_("必修"), default=True)
    # A new video waits under quarantine/ until its type is checked (uploads_quarantine).
    video = PrivateFileField(
        _("视频文件"),
        prefix="learning/videos",
        display_name_field="video_name",
        quarantine=COURSE_VIDEOS.key,
        refusal_field="video_refusal",
        blank=True,
    )
    video_name = models.CharField(_("视频文件名"), max_length=255, blank=True, editable=False)
    video_refusal = models.CharField(
        _("视频未通过检查的原因"), max_length=300, blank=True, editable=False
    )
    duration_seconds = models.PositiveIntegerField(_("视频时长(秒)"), default=0)
    document = PrivateFileField(
        _("文档(PDF)"), prefix="learning/documents", display_name_field="document_name", blank=True
    )
    document_name = models.CharField(_("文档文件名"), max_length=255, blank=True, editable=False)
    body = models.TextField(_("正文"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分"), default=60, validators=[MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程单元")
        verbose_name_plural = _("课程单元")
        ordering = ["course", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Units of courses the user may see; unpublished ones only to the course's managers."""
        courses = Course.objects.filter(Course.visibility(scope)).values("pk")
        managed = Course.objects.filter(path_q(scope.manage_paths)).values("pk")
        return Q(course__in=courses) & (Q(is_published=True) | Q(course__in=managed))

    def watched_threshold(self, share_percent: int) -> int:
        """Counted seconds needed for this unit to be watched or read (e.g. 90% of its length)."""
        return math.ceil(self.duration_seconds * share_percent / 100)

    @property
    def video_ready(self) -> bool:
        """The video has passed the quarantine check and may be played."""
        return bool(self.video) and not is_quarantined(self.video.name)

    @property
    def is_timed(self) -> bool:
        """Studied on the clock: a video, or a document or page with a reading time."""
        return self.kind == UnitKind.VIDEO or (
            self.kind in READING_KINDS and self.duration_seconds > 0
        )


# The units the study clock times (``CourseUnit.is_timed`` as a filter).
TIMED_UNITS = Q(kind=UnitKind.VIDEO) | Q(kind__in=READING_KINDS, duration_seconds__gt=0)


class Question(models.Model):
    """A single-choice question of a unit's quiz (测验题)."""

    unit = models.ForeignKey(CourseUnit, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("题目"), max_length=500)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("测验题")
        verbose_name_plural = _("测验题")
        ordering = ["unit", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    """One answer offered for a question (选项)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("选项"), max_length=200)
    is_correct = models.BooleanField(_("正确答案"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return self.text


class UnitProgress(models.Model):
    """How far a teacher is with one unit (单元学习进度); seconds come from flushed study time."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="unit_progress")
    unit = models.ForeignKey(CourseUnit, on_delete=models.CASCADE, related_name="progress")
    counted_seconds = models.PositiveIntegerField(_("计入时长(秒)"), default=0)
    furthest_position = models.FloatField(_("最远观看位置(秒)"), default=0)
    viewed_at = models.DateTimeField(_("首次打开"), null=True, blank=True)
    watched_at = models.DateTimeField(_("视频看完"), null=True, blank=True)
    quiz_score = models.PositiveSmallIntegerField(_("测验最高分"), null=True, blank=True)
    quiz_passed_at = models.DateTimeField(_("测验通过"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单元学习进度")
        verbose_name_plural = _("单元学习进度")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "unit"], name="progress_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id}·{self.unit_id}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        return own_or_subtree(scope)


class QuizAttempt(models.Model):
    """One submission of a unit's quiz (测验记录)."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="quiz_attempts")
    unit = models.ForeignKey(CourseUnit, on_delete=models.CASCADE, related_name="attempts")
    score = models.PositiveSmallIntegerField(_("得分"))
    passed = models.BooleanField(_("通过"))
    answers = models.JSONField(_("作答"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("测验记录")
        verbose_name_plural = _("测验记录")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.teacher_id}·{self.unit_id}·{self.score}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        return own_or_subtree(scope)


class StudySession(models.Model):
    """One continuous viewing of a unit, saved by the system (学习记录).

    ``uncounted`` maps each reason (see ``judge.Reason``) to the seconds it kept from counting.
    """

    key = models.CharField(max_length=32, unique=True, editable=False)
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="study_sessions")
    unit = models.ForeignKey(CourseUnit, on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("最后心跳"))
    counted_seconds = models.PositiveIntegerField(_("计入时长(秒)"), default=0)
    uncounted = models.JSONField(_("未计入(秒)"), default=dict)
    heartbeats = models.PositiveIntegerField(_("心跳次数"), default=0)
    ignored_heartbeats = models.PositiveIntegerField(_("重放/重复心跳"), default=0)
    is_open = models.BooleanField(_("进行中"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["teacher", "started_at"])]

    def __str__(self) -> str:
        return self.key

    def uncounted_reasons(self) -> list[tuple[str, int]]:
        """(reason in the user's words, seconds) for each reason that kept time from counting."""
        return [
            (str(Reason(code).label), seconds)
            for code, seconds in self.uncounted.items()
            if code in Reason.values and seconds
        ]

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        return own_or_subtree(scope)


class StudyDay(models.Model):
    """A teacher's counted online study on one day (每日学习时长): the cap, the monthly record."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="study_days")
    date = models.DateField(_("日期"))
    counted_seconds = models.PositiveIntegerField(_("计入时长(秒)"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("每日学习时长")
        verbose_name_plural = _("每日学习时长")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "date"], name="study_day_once_per_date")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.teacher_id}·{self.date}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        return own_or_subtree(scope)


class CourseCompletion(models.Model):
    """A teacher finished an online course (课程完成); its hours were posted once to the ledger."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("完成时间"))
    credit_entry = models.ForeignKey(
        CreditEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("课程完成")
        verbose_name_plural = _("课程完成")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "course"], name="complete_course_once")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id}·{self.course_id}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        return own_or_subtree(scope)


class Thread(models.Model):
    """A discussion topic in an online course (课程讨论)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("主题"), max_length=120)
    body = models.TextField(_("内容"), max_length=5000)
    is_pinned = models.BooleanField(_("置顶"), default=False)
    is_hidden = models.BooleanField(_("已隐藏"), default=False)
    created_at = models.DateTimeField(_("发表时间"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("最后回复"), auto_now_add=True)

    class Meta:
        verbose_name = _("课程讨论")
        verbose_name_plural = _("课程讨论")
        ordering = ["-is_pinned", "-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["course", "is_hidden", "last_activity_at"])]

    def __str__(self) -> str:
        return self.title


class Reply(models.Model):
    """A reply in a course discussion (回复)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("内容"), max_length=5000)
    is_hidden = models.BooleanField(_("已隐藏"), default=False)
    created_at = models.DateTimeField(_("回复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回复")
        verbose_name_plural = _("回复")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:30]


register_audited(StudyLimits, exclude_fields=["id"], mapping_fields={"region": _("区县")})
