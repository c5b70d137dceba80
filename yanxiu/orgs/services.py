"""Every change to the organization: schools, zones, groups, teachers, postings and roles.

Each service runs in one transaction and records its actor in the audit log
(django-auditlog), so "who changed what" holds for pages, API and commands alike.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yanxiu.core.params import MIN_YEAR
from yanxiu.orgs.models import (
    Departure,
    Group,
    GroupMembership,
    Ownership,
    Region,
    Role,
    RoleAssignment,
    School,
    SchoolHonour,
    SchoolKind,
    Subject,
    Teacher,
    TeacherPosting,
    User,
    Zone,
    ZoneKind,
)
from yanxiu.orgs.scoping import forget_scope


@contextmanager
def _acting(by: User | None) -> Iterator[None]:
    """One transaction whose audit-log entries name ``by`` as the actor."""
    with transaction.atomic():
        if by is None:
            yield
        else:
            with set_actor(by):
                yield


# A roster date may be planned ahead, but not further than this; one before the
# platform's first year is a typo (a bare 0 in JSON reads as 1970-01-01).
ROSTER_DAYS_AHEAD = 365


def _check_roster_date(on: datetime.date) -> None:
    """Refuse a transfer or departure date before 2000-01-01 or more than a year ahead."""
    first = datetime.date(MIN_YEAR, 1, 1)
    last = timezone.localdate() + datetime.timedelta(days=ROSTER_DAYS_AHEAD)
    if not first <= on <= last:
        _fail(_("日期应在 %(first)s 至 %(last)s 之间") % {"first": first, "last": last})


def transfer_teacher(
    teacher: Teacher, to_school: School, *, on: datetime.date, by: User | None, note: str = ""
) -> TeacherPosting:
    """Move a teacher to another school on a date (调动), keeping the posting history.

    Credits hang on the teacher, so they move with them. Memberships of the old
    school's own groups end, and so do roles over the old school or its groups;
    cross-school groups and region-wide roles keep the teacher.
    """
    if not teacher.is_active:
        raise ValidationError(_("该教师已离岗"))
    if to_school.pk == teacher.school_id:
        raise ValidationError(_("教师已在该学校任职"))
    if to_school.region_id != teacher.region_id:
        raise ValidationError(_("只能调动到本区县的学校"))
    _check_roster_date(on)
    with _acting(by):
        old_school_id = teacher.school_id
        open_posting = (
            TeacherPosting.objects.select_for_update()
            .filter(teacher=teacher, end_date__isnull=True)
            .order_by("-start_date")
            .first()
        )
        if open_posting is None:
            # Rosters imported without postings: the old school counts from when we knew of it.
            started = min(teacher.created_at.date(), on) if teacher.created_at else on
            open_posting = TeacherPosting(
                teacher=teacher, school_id=old_school_id, start_date=started
            )
        if open_posting.start_date > on:
            raise ValidationError(_("调动日期不能早于当前任职的起始日期"))
        open_posting.end_date = on
        open_posting.save()
        teacher.school = to_school
        teacher.save()
        GroupMembership.objects.filter(teacher=teacher, group__school_id=old_school_id).delete()
        Group.objects.filter(leader=teacher, school_id=old_school_id).update(leader=None)
        if teacher.user_id:
            # Roles over the old school (its admin, its groups' leader) stay with the school.
            for assignment in RoleAssignment.objects.filter(
                Q(school_id=old_school_id) | Q(group__school_id=old_school_id),
                user_id=teacher.user_id,
            ):
                assignment.delete()
        return TeacherPosting.objects.create(
            teacher=teacher, school=to_school, start_date=on, note=note, recorded_by=by
        )


def initial_password() -> str:
    """A password to hand to a new account holder once; they change it after logging in."""
    return "Yx-" + secrets.token_urlsafe(9)


def password_changed(user: User) -> None:
    """The holder chose their own password: the forced change (first login, reset) is done."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


def _fail(message: str) -> NoReturn:
    raise ValidationError(message)


# Where each grantable role applies: the whole region, a zone, a school or a group.
ROLE_SCOPE: dict[str, str] = {
    Role.BUREAU_ADMIN: "region",
    Role.CENTER_STAFF: "region",
    Role.STUDIO_HOST: "region",
    Role.EXPERT: "region",
    Role.ZONE_LEADER: "zone",
    Role.SCHOOL_ADMIN: "school",
    Role.GROUP_LEADER: "group",
}


def create_zone(
    region: Region, *, code: str, name: str, kind: str = ZoneKind.AREA, by: User | None
) -> Zone:
    with _acting(by):
        zone = Zone(region=region, code=code, name=name, kind=kind)
        zone.full_clean()
        zone.save()
        return zone


def update_zone(zone: Zone, *, name: str, kind: str, by: User | None) -> Zone:
    with _acting(by):
        zone.name, zone.kind = name, kind
        zone.full_clean()
        zone.save()
        return zone


def save_school(school: School, *, by: User | None) -> School:
    """Create or update a school from validated fields; a zone change moves its whole subtree."""
    with _acting(by):
        old_zone = (
            None
            if school.pk is None
            else School.objects.values_list("zone_id", flat=True).get(pk=school.pk)
        )
        is_new = school.pk is None
        school.full_clean()
        school.save()
        if not is_new and old_zone != school.zone_id:
            _repath_school(school)
        return school


def create_school(
    region: Region,
    *,
    code: str,
    name: str,
    stage: str,
    zone: Zone | None,
    ownership: str = Ownership.PUBLIC,
    kind: str = SchoolKind.SCHOOL,
    address: str = "",
    by: User | None,
) -> School:
    if zone is not None and zone.region_id != region.pk:
        _fail(_("片区不属于该区县"))
    school = School(
        region=region,
        zone=zone,
        code=code,
        name=name,
        stage=stage,
        ownership=ownership,
        kind=kind,
        address=address,
    )
    return save_school(school, by=by)


def move_school_to_zone(school: School, zone: Zone | None, *, by: User | None) -> School:
    """Put a school in another zone (or none): its teachers, groups and roles follow its path."""
    if zone is not None and zone.region_id != school.region_id:
        _fail(_("片区不属于该区县"))
    school.zone = zone
    return save_school(school, by=by)


def _repath_school(school: School) -> None:
    """Recompute every materialized path under a school after it changed zone."""
    school.refresh_from_db(fields=["org_path"])
    path = school.org_path
    Teacher.objects.filter(school=school).update(org_path=path)
    groups = Group.objects.filter(school=school)
    groups.update(org_path=path, zone=school.zone)
    RoleAssignment.objects.filter(Q(school=school) | Q(group__school=school)).update(
        scope_path=path
    )


def add_honour(school: School, *, kind: str, year: int, by: User | None) -> SchoolHonour:
    with _acting(by):
        honour, _created = SchoolHonour.objects.get_or_create(school=school, kind=kind, year=year)
        return honour


def remove_honour(honour: SchoolHonour, *, by: User | None) -> None:
    with _acting(by):
        honour.delete()


# Youngest age at which a teaching career can plausibly start.
MIN_STARTING_AGE = 15


def teaching_since_problem(
    teaching_since: int, *, born: datetime.date, this_year: int
) -> str | None:
    """Why a start year (参加工作年份) cannot be right, in Chinese, or None when it can.

    The one rule of the edit form, the API and the roster import: not after this year,
    and not before the teacher was ``MIN_STARTING_AGE``.
    """
    if teaching_since > this_year:
        return _("参加工作年份不能晚于今年")
    if teaching_since < born.year + MIN_STARTING_AGE:
        return _("参加工作年份与出生日期不符")
    return None


def update_teacher(
    teacher: Teacher, *, subjects: Iterable[Subject] | None = None, by: User | None
) -> Teacher:
    """Save edited roster fields (the school changes only through ``transfer_teacher``)."""
    with _acting(by):
        stored_school = Teacher.objects.values_list("school_id", flat=True).get(pk=teacher.pk)
        if stored_school != teacher.school_id:
            _fail(_("调动学校请使用“调动”功能"))
        problem = teaching_since_problem(
            teacher.teaching_since, born=teacher.birth_date, this_year=timezone.localdate().year
        )
        if problem is not None:
            raise ValidationError({"teaching_since": [problem]})
        teacher.full_clean(exclude=["id_number_hash", "id_number_cipher", "user"])
        teacher.save()
        if subjects is not None:
            teacher.subjects.set(subjects)
        return teacher


# What other apps do when a teacher leaves the roster. They sit above orgs, so they
# register here from their AppConfig.ready (learning revokes the study passes).
DeactivationHook = Callable[[Teacher], None]
DEACTIVATION_HOOKS: list[DeactivationHook] = []


def register_deactivation_hook(hook: DeactivationHook) -> DeactivationHook:
    """Run ``hook(teacher)`` whenever a teacher is deactivated (idempotent)."""
    if hook not in DEACTIVATION_HOOKS:
        DEACTIVATION_HOOKS.append(hook)
    return hook


def deactivate_teacher(
    teacher: Teacher, *, reason: str, on: datetime.date, by: User | None
) -> Teacher:
    """Take a teacher off the roster (调离/退休): the posting closes, group places and roles end.

    The record, its history and its credits stay, so transcripts remain verifiable.
    """
    if reason not in Departure.values:
        _fail(_("请选择离岗原因"))
    if not teacher.is_active:
        _fail(_("该教师已离岗"))
    _check_roster_date(on)
    open_postings = TeacherPosting.objects.filter(teacher=teacher, end_date__isnull=True)
    if open_postings.filter(start_date__gt=on).exists():
        _fail(_("离岗日期不能早于当前任职的起始日期"))
    with _acting(by):
        open_postings.update(end_date=on)
        teacher.is_active = False
        teacher.departure = reason
        teacher.departed_on = on
        teacher.save()
        GroupMembership.objects.filter(teacher=teacher).delete()
        Group.objects.filter(leader=teacher).update(leader=None)
        if teacher.user_id:
            for assignment in RoleAssignment.objects.filter(user_id=teacher.user_id):
                assignment.delete()
        for hook in DEACTIVATION_HOOKS:
            hook(teacher)
        return teacher


def save_group(group: Group, *, by: User | None) -> Group:
    """Create or update a group: a school's own group, or a cross-school group of a zone/region."""
    if group.school_id:
        school = School.objects.get(pk=group.school_id)
        group.zone_id = school.zone_id
        group.region_id = school.region_id
    with _acting(by):
        group.full_clean(exclude=["leader"])
        group.save()
        RoleAssignment.objects.filter(group=group).update(scope_path=group.org_path)
        return group


def _check_member_fits(group: Group, teacher: Teacher) -> None:
    if teacher.region_id != group.region_id:
        _fail(_("教师不属于该区县"))
    if group.school_id and teacher.school_id != group.school_id:
        _fail(_("校内研修组只能加入本校教师"))
    if not group.school_id and group.zone_id and not teacher.org_path.startswith(group.org_path):
        _fail(_("片区研修组只能加入本片区学校的教师"))


def add_member(group: Group, teacher: Teacher, *, by: User | None) -> GroupMembership:
    _check_member_fits(group, teacher)
    with _acting(by):
        membership, _created = GroupMembership.objects.get_or_create(group=group, teacher=teacher)
        return membership


def remove_member(group: Group, teacher: Teacher, *, by: User | None) -> None:
    with _acting(by):
        GroupMembership.objects.filter(group=group, teacher=teacher).delete()
        if group.leader_id == teacher.pk:
            _set_leader(group, None)


def set_group_leader(group: Group, teacher: Teacher | None, *, by: User | None) -> Group:
    """Name the group's leader (组长); they join the group and, with a login, get the role."""
    with _acting(by):
        if teacher is not None:
            add_member(group, teacher, by=by)
        _set_leader(group, teacher)
        return group


def _set_leader(group: Group, teacher: Teacher | None) -> None:
    for assignment in RoleAssignment.objects.filter(group=group, role=Role.GROUP_LEADER):
        assignment.delete()
    group.leader = teacher
    group.save()
    if teacher is not None and teacher.user_id:
        RoleAssignment.objects.create(
            user_id=teacher.user_id, role=Role.GROUP_LEADER, region_id=group.region_id, group=group
        )


def role_assignment(
    user: User,
    role: str,
    *,
    region: Region,
    zone: Zone | None = None,
    school: School | None = None,
    group: Group | None = None,
) -> RoleAssignment:
    """An unsaved assignment with the one target its role applies to, checked for shape."""
    kind = ROLE_SCOPE.get(role)
    if kind is None:
        _fail(_("该角色不能直接授予"))
    target = {"region": region, "zone": zone, "school": school, "group": group}[kind]
    if target is None:
        _fail(_("请选择授权范围"))
    assignment = RoleAssignment(user=user, role=role, region=region)
    if kind != "region":
        setattr(assignment, kind, target)
    if getattr(target, "region_id", region.pk) != region.pk:
        _fail(_("授权范围不属于该区县"))
    assignment.scope_path = assignment.compute_scope_path()
    return assignment


def grant_role(assignment: RoleAssignment, *, by: User) -> RoleAssignment:
    """Save an assignment the granter may give (bureau admin: any; school admin: group leader)."""
    if not by.has_perm("orgs.grant_role", assignment):
        raise PermissionDenied(_("没有权限授予该角色"))
    duplicate = RoleAssignment.objects.filter(
        user=assignment.user, role=assignment.role, scope_path=assignment.scope_path
    )
    if assignment.group_id:
        duplicate = RoleAssignment.objects.filter(
            user=assignment.user, role=assignment.role, group=assignment.group
        )
    if duplicate.exists():
        _fail(_("该用户已拥有此角色"))
    with _acting(by):
        assignment.save()
        if assignment.group_id and assignment.role == Role.GROUP_LEADER:
            teacher = Teacher.objects.filter(user=assignment.user).first()
            group = assignment.group
            if teacher is not None and group is not None and group.leader_id is None:
                group.leader = teacher
                group.save()
        forget_scope(assignment.user)
        return assignment


def revoke_role(assignment: RoleAssignment, *, by: User) -> None:
    if not by.has_perm("orgs.grant_role", assignment):
        raise PermissionDenied(_("没有权限撤销该角色"))
    with _acting(by):
        assignment.delete()
        if assignment.role == Role.GROUP_LEADER and assignment.group_id:
            Group.objects.filter(pk=assignment.group_id, leader__user_id=assignment.user_id).update(
                leader=None
            )
        forget_scope(assignment.user)


def create_account(teacher: Teacher, *, username: str, by: User | None) -> tuple[User, str]:
    """Give a teacher a login; the initial password is returned once and never stored in clear."""
    if teacher.user_id:
        _fail(_("该教师已有登录账号"))
    username = username.strip()
    if not username:
        _fail(_("请填写用户名"))
    if User.objects.filter(username=username).exists():
        _fail(_("用户名已被使用"))
    password = initial_password()
    with _acting(by):
        user = User(username=username, full_name=teacher.name, must_change_password=True)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        teacher.user = user
        teacher.save(update_fields=["user", "updated_at"])
        return user, password
