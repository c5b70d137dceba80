"""The region's organization: zones, schools, groups, teachers, users and their roles.

Every organizational row carries a materialized ``org_path`` ("<region>/<zone>/<school>/")
so that one prefix test decides who may see it (see ``yanxiu.orgs.scoping``).
"""

from __future__ import annotations

import datetime
from typing import Any

from auditlog.registry import auditlog
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yanxiu.core.audit import register as register_audited
from yanxiu.orgs.roles import Role as Role  # re-exported: imported along with the models
from yanxiu.orgs.scoping import Scope, ScopedQuerySet, path_q

YOUNG_TEACHER_MAX_YEARS = 5


class OrgPathModel(models.Model):
    """A row placed in the org tree; ``org_path`` is derived from its parents on save."""

    org_path = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = self.compute_org_path()
        if path != self.org_path:
            self.org_path = path
            type(self)._default_manager.filter(pk=self.pk).update(org_path=path)

    def compute_org_path(self) -> str:
        raise NotImplementedError


class User(AbstractUser):
    """A person who logs in (用户). Teachers link to one through ``Teacher.user``."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    # Set when someone else chose the password (a new account, a reset), so that only the
    # holder knows it from then on; web.password_change sends them to change it first.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username


class Region(models.Model):
    """A county or district (区县) whose education bureau runs the platform."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        return f"{self.pk}/"


class ZoneKind(models.TextChoices):
    AREA = "area", _("片区")
    DISTRICT = "district", _("学区")
    UNIVERSITY_DISTRICT = "university_district", _("大学区")


class Zone(OrgPathModel):
    """A zone of schools inside the region (片区 / 学区 / 大学区)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="zones")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=32, choices=ZoneKind, default=ZoneKind.AREA)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="zone_code_unique_in_region")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Zones in the scope, the zones above the schools read, and the own school's zone."""
        # "1/3/7/" (school 7 of zone 3) makes zone "1/3/" visible: its name, not its schools.
        above = {"/".join(p.split("/")[:2]) + "/" for p in scope.read_paths if p.count("/") > 2}
        q = path_q(scope.read_paths) | Q(org_path__in=above)
        if scope.school_id:
            # A subquery, not a join: a join would repeat the zone once per school.
            q |= Q(pk__in=School.objects.filter(pk=scope.school_id).values("zone_id"))
        return q

    def compute_org_path(self) -> str:
        return f"{self.region_id}/{self.pk}/"


class Stage(models.TextChoices):
    """School stage (学段)."""

    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("职高")
    SPECIAL = "special", _("特校")
    NINE_YEAR = "nine_year", _("九年一贯制")
    COMPLETE_MIDDLE = "complete_middle", _("完全中学")
    TRAINING_CENTER = "training_center", _("教师进修学校")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")
    MIGRANT = "migrant", _("外来务工人员子弟学校")


class SchoolKind(models.TextChoices):
    SCHOOL = "school", _("学校")
    TRAINING_CENTER = "training_center", _("教师进修学校/培训中心")


class School(OrgPathModel):
    """A school of the region, or the region's training center (教师进修学校)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools")
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="schools", null=True, blank=True
    )
    code = models.CharField(_("学校代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=SchoolKind, default=SchoolKind.SCHOOL)
    stage = models.CharField(_("学段"), max_length=32, choices=Stage)
    ownership = models.CharField(
        _("办学性质"), max_length=16, choices=Ownership, default=Ownership.PUBLIC
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="school_code_unique_in_region")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Schools in the scope's subtrees, and the user's own school."""
        q = path_q(scope.read_paths)
        if scope.school_id:
            q |= Q(pk=scope.school_id)
        return q

    def compute_org_path(self) -> str:
        return f"{self.region_id}/{self.zone_id or 0}/{self.pk}/"


def school_path(school_id: int) -> str:
    """The school's place in the org tree, which the rows belonging to it copy on save
    (teachers, school groups, roles at the school, plans, projects, course requests)."""
    return School.objects.values_list("org_path", flat=True).get(pk=school_id)


class HonourKind(models.TextChoices):
    COUNTY_DEMO = "county_demo", _("县级示范校")
    ZONE_DEMO = "zone_demo", _("片区示范校")
    PRACTICE_BASE = "practice_base", _("实践基地学校")
    ADVANCED_TRAINING = "advanced_training", _("校本研训先进学校")
    LEARNING_SCHOOL = "learning_school", _("学习型学校")


class SchoolHonour(models.Model):
    """An honour a school holds (示范校, 实践基地学校 …), with the year it was given."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField(_("荣誉"), max_length=32, choices=HonourKind)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("学校荣誉")
        verbose_name_plural = _("学校荣誉")
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "year"], name="honour_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_kind_display()} {self.year}"


class Subject(models.Model):
    """A school subject (学科), e.g. 语文, 数学."""

    name = models.CharField(_("名称"), max_length=32, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("学科")
        verbose_name_plural = _("学科")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Title(models.TextChoices):
    """Professional title (职称)."""

    SENIOR_PROFESSOR = "senior_professor", _("正高级教师")
    SENIOR = "senior", _("高级教师")
    FIRST = "first", _("一级教师")
    SECOND = "second", _("二级教师")
    THIRD = "third", _("三级教师")
    NONE = "none", _("未定级")


class Degree(models.TextChoices):
    DOCTOR = "doctor", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("本科")
    ASSOCIATE = "associate", _("专科")
    SECONDARY = "secondary", _("中专及以下")


class BackboneLevel(models.TextChoices):
    """Backbone teacher level (骨干教师)."""

    NONE = "none", _("无")
    DISTRICT = "district", _("区级骨干")
    CITY = "city", _("市级骨干")
    PROVINCE = "province", _("省级骨干")


class LeadershipPost(models.TextChoices):
    NONE = "none", _("无")
    PRINCIPAL = "principal", _("校长")
    VICE_PRINCIPAL = "vice_principal", _("副校长")
    MIDDLE = "middle", _("中层干部")


class Employment(models.TextChoices):
    IN_POST = "in_post", _("在编在岗")
    PRIVATE = "private", _("民办")
    CONTRACT = "contract", _("合同制")


class Departure(models.TextChoices):
    """Why a teacher left the roster (离岗原因)."""

    LEFT = "left", _("调离/离职")
    RETIRED = "retired", _("退休")


class Teacher(models.Model):
    """A teacher on the region's roster (教师). Credits belong to the teacher, not the school."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="teachers")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teachers")
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="teacher"
    )
    name = models.CharField(_("姓名"), max_length=32)
    # 身份证号: HMAC for look-ups and uniqueness, Fernet ciphertext for export, mask for display.
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_cipher = models.TextField(editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender)
    birth_date = models.DateField(_("出生日期"))
    stage = models.CharField(_("学段"), max_length=32, choices=Stage)
    subjects = models.ManyToManyField(Subject, verbose_name=_("学科"), blank=True)
    title = models.CharField(_("职称"), max_length=32, choices=Title, default=Title.NONE)
    teaching_since = models.PositiveSmallIntegerField(_("参加工作年份"))
    degree = models.CharField(_("学历"), max_length=16, choices=Degree, default=Degree.BACHELOR)
    backbone_level = models.CharField(
        _("骨干级别"), max_length=16, choices=BackboneLevel, default=BackboneLevel.NONE
    )
    is_homeroom_teacher = models.BooleanField(_("班主任"), default=False)
    is_new_teacher = models.BooleanField(_("新教师"), default=False)
    is_famous_teacher = models.BooleanField(_("名师"), default=False)
    leadership_post = models.CharField(
        _("行政职务"), max_length=16, choices=LeadershipPost, default=LeadershipPost.NONE
    )
    employment = models.CharField(
        _("用工性质"), max_length=16, choices=Employment, default=Employment.IN_POST
    )
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    departure = models.CharField(_("离岗原因"), max_length=16, choices=Departure, blank=True)
    departed_on = models.DateField(_("离岗日期"), null=True, blank=True)
    org_path = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("教师")
        verbose_name_plural = _("教师")
        ordering = ["org_path", "name"]
        indexes = [models.Index(fields=["school", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.org_path = school_path(self.school_id)
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Teachers in the scope's subtrees, the user's own record, and members of led groups."""
        q = path_q(scope.read_paths)
        if scope.teacher_id:
            q |= Q(pk=scope.teacher_id)
        if scope.led_group_ids:
            q |= Q(
                pk__in=GroupMembership.objects.filter(group_id__in=scope.led_group_ids).values(
                    "teacher_id"
                )
            )
        return q

    def years_teaching(self, on: datetime.date | None = None) -> int:
        year = (on or timezone.localdate()).year
        return max(0, year - self.teaching_since)

    def is_young(self, on: datetime.date | None = None) -> bool:
        """A young teacher (青年教师) has taught for at most five years."""
        return self.years_teaching(on) <= YOUNG_TEACHER_MAX_YEARS


class TeacherPosting(models.Model):
    """A period a teacher worked at a school (任职经历); moves between schools add a row."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="postings")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="postings")
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["teacher", "start_date"]

    def __str__(self) -> str:
        return f"{self.teacher} @ {self.school}"


class GroupKind(models.TextChoices):
    TEACHING_RESEARCH = "teaching_research", _("教研组")
    LESSON_PREP = "lesson_prep", _("备课组")
    SUBJECT_COOPERATION = "subject_cooperation", _("学科协作组")
    STUDY = "study", _("研修小组")


class Group(OrgPathModel):
    """A teaching-research or subject group (教研组, 备课组, 学科协作组), possibly across schools.

    A group of one school sits under that school's path; a cross-school group sits
    under its zone's path or the region's.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="groups")
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="groups"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=32, choices=GroupKind)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("学科")
    )
    stage = models.CharField(_("学段"), max_length=32, choices=Stage, blank=True)
    leader = models.ForeignKey(
        Teacher,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_groups",
        verbose_name=_("组长"),
    )
    members: models.ManyToManyField[Teacher, GroupMembership] = models.ManyToManyField(
        Teacher, through="GroupMembership", related_name="member_groups"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("研修组")
        verbose_name_plural = _("研修组")
        ordering = ["org_path", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Groups in the scope's subtrees, groups the user leads, and groups they belong to."""
        q = path_q(scope.read_paths) | Q(pk__in=scope.led_group_ids)
        if scope.teacher_id:
            q |= Q(
                pk__in=GroupMembership.objects.filter(teacher_id=scope.teacher_id).values(
                    "group_id"
                )
            )
        return q

    def compute_org_path(self) -> str:
        if self.school_id:
            return school_path(self.school_id)
        if self.zone_id:
            return f"{self.region_id}/{self.zone_id}/"
        return f"{self.region_id}/"

    @property
    def is_cross_school(self) -> bool:
        return self.school_id is None


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="group_memberships")
    joined_on = models.DateField(_("加入日期"), default=datetime.date.today)

    class Meta:
        verbose_name = _("组员")
        verbose_name_plural = _("组员")
        constraints = [
            models.UniqueConstraint(fields=["group", "teacher"], name="member_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.teacher} ∈ {self.group}"


class RoleAssignment(models.Model):
    """A role a user holds over a part of the organization (角色授权).

    The scope is the region, a zone, a school or a group, depending on the role.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True)
    scope_path = models.CharField(max_length=64, db_index=True, editable=False)
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            # Groups of one school share its path, so a group role is unique per group.
            models.UniqueConstraint(
                fields=["user", "role", "scope_path"],
                condition=Q(group__isnull=True),
                name="role_once_per_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "group"],
                condition=Q(group__isnull=False),
                name="group_role_once_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.scope_path = self.compute_scope_path()
        super().save(*args, **kwargs)

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Assignments inside the subtrees the user reads, and those of the groups they lead."""
        return path_q(scope.read_paths, field="scope_path") | Q(group_id__in=scope.led_group_ids)

    def compute_scope_path(self) -> str:
        if self.group_id:
            return Group.objects.values_list("org_path", flat=True).get(pk=self.group_id)
        if self.school_id:
            return school_path(self.school_id)
        if self.zone_id:
            return f"{self.region_id}/{self.zone_id}/"
        return f"{self.region_id}/"


register_audited(Zone)
register_audited(School)
register_audited(SchoolHonour)
register_audited(
    Teacher, exclude_fields=["id_number_cipher", "id_number_hash"], m2m_fields={"subjects"}
)
register_audited(TeacherPosting)
register_audited(Group)
register_audited(GroupMembership)
register_audited(RoleAssignment)
auditlog.register(User, include_fields=["username", "full_name", "is_active"])
