"""Organization pages: region, zones, schools, teachers, groups and roles, scoped to the user.

Every object comes through a selector that applies ``visible_to`` (outside the
scope: 404); every change is checked with ``user.has_perm`` (in scope but not
allowed: 403) and made by a service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.audit import latest_changes
from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import id_filter
from yanxiu.orgs import selectors, services
from yanxiu.orgs.forms import (
    AccountForm,
    DeactivateForm,
    GroupForm,
    HonourForm,
    MemberForm,
    RoleForm,
    SchoolForm,
    TeacherForm,
    TransferForm,
    ZoneForm,
)
from yanxiu.orgs.models import (
    Group,
    GroupKind,
    Ownership,
    Region,
    Role,
    RoleAssignment,
    School,
    SchoolHonour,
    Stage,
    Teacher,
    Zone,
)
from yanxiu.orgs.scoping import scope_of

PAGE_SIZE = 50


def _require(request: AuthedHttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("没有权限执行此操作"))


def _form_page(
    request: AuthedHttpRequest,
    form: BaseForm,
    *,
    title: str,
    back: str,
    save: Callable[[], Model | None],
    done: Callable[[Any], str],
) -> HttpResponse:
    """The one shape of every edit page: show the form, or save through a service and go on."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存"))
            return redirect(done(saved))
    return render(request, "orgs/form.html", {"form": form, "title": title, "back": back})


def _region_for(request: AuthedHttpRequest) -> Region:
    scope = scope_of(request.user)
    regions = (
        Region.objects.all()
        if scope.is_superuser
        else Region.objects.filter(pk__in=scope.region_ids)
    )
    region = regions.order_by("pk").first()
    if region is None:
        raise PermissionDenied(_("没有可管理的区县"))
    return region


@login_required
def region(request: AuthedHttpRequest) -> HttpResponse:
    """The region at a glance: its zones with schools, teachers and young teachers."""
    rows = selectors.zone_overview(request.user, this_year=timezone.localdate().year)
    return render(
        request,
        "orgs/region.html",
        {"rows": rows, "can_add_zone": request.user.has_perm("orgs.change_zone")},
    )


@login_required
def zone_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    zone = selectors.visible_zone(request.user, pk)
    schools = selectors.school_list(request.user, selectors.SchoolFilter(zone=str(pk)))
    return render(
        request,
        "orgs/zone_detail.html",
        {
            "zone": zone,
            "schools": schools,
            "can_edit": request.user.has_perm("orgs.change_zone", zone),
        },
    )


@login_required
def zone_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    zone = selectors.visible_zone(request.user, pk) if pk else Zone(region=_region_for(request))
    _require(request, "orgs.change_zone", zone if pk else None)
    form = ZoneForm(request.POST or None, instance=zone)

    def save() -> Zone:
        data = form.cleaned_data
        if pk:
            return services.update_zone(zone, name=data["name"], kind=data["kind"], by=request.user)
        return services.create_zone(
            zone.region, code=data["code"], name=data["name"], kind=data["kind"], by=request.user
        )

    return _form_page(
        request,
        form,
        title=_("编辑片区") if pk else _("新建片区"),
        back=reverse("orgs:zone_detail", args=[pk]) if pk else reverse("orgs:region"),
        save=save,
        done=lambda z: reverse("orgs:zone_detail", args=[z.pk]),
    )


@login_required
def school_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = selectors.SchoolFilter(
        zone=id_filter(request, "zone"),
        stage=request.GET.get("stage", ""),
        ownership=request.GET.get("ownership", ""),
        q=request.GET.get("q", "").strip(),
    )
    page = Paginator(selectors.school_list(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "schools": page,
        "query": query.urlencode(),
        "filters": filters,
        "zones": Zone.objects.visible_to(request.user),
        "stages": Stage.choices,
        "ownerships": Ownership.choices,
        "can_add": request.user.has_perm("orgs.add_school"),
    }
    return render(request, "orgs/school_list.html", context)


@login_required
def school_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    school = selectors.visible_school(request.user, pk)
    can_manage = request.user.has_perm("orgs.manage_roster", school)
    context = {
        "school": school,
        "teachers": selectors.school_teachers(request.user, school).select_related("user"),
        "groups": selectors.school_groups(request.user, school),
        "honours": school.honours.order_by("-year"),
        "admins": selectors.school_admins(school),
        "can_edit": request.user.has_perm("orgs.change_school", school),
        "can_manage": can_manage,
        "honour_form": HonourForm(initial={"year": timezone.localdate().year}),
    }
    return render(request, "orgs/school_detail.html", context)


@login_required
def school_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    school = (
        selectors.visible_school(request.user, pk) if pk else School(region=_region_for(request))
    )
    _require(request, "orgs.change_school" if pk else "orgs.add_school", school if pk else None)
    form = SchoolForm(request.POST or None, instance=school, user=request.user)
    return _form_page(
        request,
        form,
        title=_("编辑学校") if pk else _("新建学校"),
        back=reverse("orgs:school_detail", args=[pk]) if pk else reverse("orgs:school_list"),
        save=lambda: services.save_school(form.instance, by=request.user),
        done=lambda s: reverse("orgs:school_detail", args=[s.pk]),
    )


@login_required
@require_POST
def honour_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    school = selectors.visible_school(request.user, pk)
    _require(request, "orgs.change_school", school)
    form = HonourForm(request.POST)
    if form.is_valid():
        services.add_honour(
            school, kind=form.cleaned_data["kind"], year=form.cleaned_data["year"], by=request.user
        )
    else:
        messages.error(request, _("请填写荣誉和年度"))
    return redirect("orgs:school_detail", pk=pk)


@login_required
@require_POST
def honour_remove(request: AuthedHttpRequest, pk: int, honour_pk: int) -> HttpResponse:
    school = selectors.visible_school(request.user, pk)
    _require(request, "orgs.change_school", school)
    services.remove_honour(
        get_object_or_404(SchoolHonour, pk=honour_pk, school=school), by=request.user
    )
    return redirect("orgs:school_detail", pk=pk)


@login_required
def teacher_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = selectors.TeacherFilter(
        q=request.GET.get("q", "").strip(),
        school=id_filter(request, "school"),
        stage=request.GET.get("stage", ""),
        active=request.GET.get("left") != "1",
    )
    page = Paginator(selectors.teacher_list(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "orgs/_teacher_rows.html" if request.htmx else "orgs/teacher_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "q": filters.q,
            "filters": filters,
            "query": query.urlencode(),
            "stages": Stage.choices,
        },
    )


@login_required
def teacher_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.visible_teacher(request.user, pk)
    manages = request.user.has_perm("orgs.change_teacher", teacher)
    return render(
        request,
        "orgs/teacher_detail.html",
        {
            "teacher": teacher,
            "roles": selectors.teacher_roles(teacher),
            "history": latest_changes(teacher) if manages else [],
            "years": teacher.years_teaching(),
            "young": teacher.is_young(),
            "can_edit": manages,
            "can_transfer": request.user.has_perm("orgs.transfer_teacher", teacher),
        },
    )


@login_required
def teacher_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.visible_teacher(request.user, pk)
    _require(request, "orgs.change_teacher", teacher)
    form = TeacherForm(request.POST or None, instance=teacher)

    return _form_page(
        request,
        form,
        title=_("编辑教师信息"),
        back=reverse("orgs:teacher_detail", args=[pk]),
        save=lambda: services.update_teacher(
            form.instance, subjects=form.cleaned_data["subjects"], by=request.user
        ),
        done=lambda t: reverse("orgs:teacher_detail", args=[t.pk]),
    )


@login_required
def teacher_transfer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.visible_teacher(request.user, pk)
    _require(request, "orgs.transfer_teacher", teacher)
    form = TransferForm(request.POST or None, teacher=teacher)

    def save() -> Teacher:
        services.transfer_teacher(
            teacher,
            form.cleaned_data["to_school"],
            on=form.cleaned_data["on"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
        return teacher

    return _form_page(
        request,
        form,
        title=_("调动：%(name)s") % {"name": teacher.name},
        back=reverse("orgs:teacher_detail", args=[pk]),
        save=save,
        done=_after_leaving_scope(request),
    )


def _after_leaving_scope(request: AuthedHttpRequest) -> Callable[[Teacher], str]:
    """Where to go once a teacher moved or left: their page if still visible, else the roster."""

    def done(teacher: Teacher) -> str:
        if Teacher.objects.visible_to(request.user).filter(pk=teacher.pk).exists():
            return reverse("orgs:teacher_detail", args=[teacher.pk])
        return reverse("orgs:teacher_list")

    return done


@login_required
def teacher_deactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.visible_teacher(request.user, pk)
    _require(request, "orgs.deactivate_teacher", teacher)
    form = DeactivateForm(request.POST or None, initial={"on": timezone.localdate()})

    def save() -> Teacher:
        return services.deactivate_teacher(
            teacher,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
            by=request.user,
        )

    return _form_page(
        request,
        form,
        title=_("离岗：%(name)s") % {"name": teacher.name},
        back=reverse("orgs:teacher_detail", args=[pk]),
        save=save,
        done=_after_leaving_scope(request),
    )


@login_required
def teacher_account(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Create a login for a teacher; the initial password is shown on this response only."""
    teacher = selectors.visible_teacher(request.user, pk)
    _require(request, "orgs.create_account", teacher)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.create_account(
                teacher, username=form.cleaned_data["username"], by=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("username", message)
        else:
            return render(
                request,
                "orgs/account_created.html",
                {"teacher": teacher, "account": user, "password": password},
            )
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("为 %(name)s 开通账号") % {"name": teacher.name},
            "back": reverse("orgs:teacher_detail", args=[pk]),
        },
    )


@login_required
def group_list(request: AuthedHttpRequest) -> HttpResponse:
    school, kind = id_filter(request, "school"), request.GET.get("kind", "")
    page = Paginator(
        selectors.group_list(request.user, school=school, kind=kind), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/group_list.html",
        {
            "page": page,
            "kinds": GroupKind.choices,
            "kind": kind,
            "school": school,
            "can_add": request.user.has_perm("orgs.add_group"),
        },
    )


@login_required
def group_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    can_edit = request.user.has_perm("orgs.change_group", group)
    q = request.GET.get("q", "").strip()
    candidates = selectors.candidate_members(request.user, group, q) if can_edit and q else None
    template = "orgs/_candidates.html" if request.htmx else "orgs/group_detail.html"
    return render(
        request,
        template,
        {
            "group": group,
            "members": selectors.group_members(group),
            "can_edit": can_edit,
            "q": q,
            "candidates": candidates,
        },
    )


@login_required
def group_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    group = selectors.visible_group(request.user, pk) if pk else Group(region=_region_for(request))
    perm = "orgs.change_group" if pk else "orgs.add_group"
    _require(request, perm, group if pk else None)
    form = GroupForm(request.POST or None, instance=group, user=request.user)

    def save() -> Group:
        # The form places the group (school, zone or region); the user must manage that place.
        placed = form.instance
        placed.org_path = placed.compute_org_path()
        if not request.user.has_perm(perm, placed):
            raise ValidationError(_("只能在您管理的学校或片区内设立研修组"))
        return services.save_group(placed, by=request.user)

    return _form_page(
        request,
        form,
        title=_("编辑研修组") if pk else _("新建研修组"),
        back=reverse("orgs:group_detail", args=[pk]) if pk else reverse("orgs:group_list"),
        save=save,
        done=lambda g: reverse("orgs:group_detail", args=[g.pk]),
    )


@login_required
@require_POST
def group_member_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    _require(request, "orgs.change_group", group)
    candidates = Teacher.objects.visible_to(request.user).filter(is_active=True)
    form = MemberForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.add_member(group, form.cleaned_data["teacher"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("orgs:group_detail", pk=pk)


@login_required
@require_POST
def group_member_remove(request: AuthedHttpRequest, pk: int, teacher_pk: int) -> HttpResponse:
    group = selectors.visible_group(request.user, pk)
    _require(request, "orgs.change_group", group)
    teacher = get_object_or_404(group.members.all(), pk=teacher_pk)
    if request.POST.get("action") == "leader":
        services.set_group_leader(group, teacher, by=request.user)
    else:
        services.remove_member(group, teacher, by=request.user)
    return redirect("orgs:group_detail", pk=pk)


@login_required
def role_list(request: AuthedHttpRequest) -> HttpResponse:
    """Role holders in the user's scope, and a form to grant one more."""
    _require(request, "orgs.grant_role")
    form = RoleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.role_assignment(
                data["username"],
                data["role"],
                region=_region_for(request),
                zone=data["zone"],
                school=data["school"],
                group=data["group"],
            )
            services.grant_role(assignment, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已授权"))
            return redirect("orgs:role_list")
    role = request.GET.get("role", "")
    page = Paginator(selectors.role_assignment_list(request.user, role=role), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    revocable = {a.pk for a in page if request.user.has_perm("orgs.grant_role", a)}
    context = {
        "page": page,
        "form": form,
        "revocable": revocable,
        "role": role,
        "role_choices": Role.choices,
    }
    return render(request, "orgs/role_list.html", context)


@login_required
@require_POST
def role_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment.objects.visible_to(request.user), pk=pk)
    services.revoke_role(assignment, by=request.user)
    messages.success(request, _("已撤销授权"))
    return redirect("orgs:role_list")
