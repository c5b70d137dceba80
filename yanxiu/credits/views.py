"""Credit pages: a teacher's own year, the ledger for managers, manual entries and
reversals, and the bureau's policy editor with its "what if" preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yanxiu.core.http import AuthedHttpRequest
from yanxiu.core.params import id_param, parse_year, year_param
from yanxiu.credits.forms import ManualEntryForm, PolicyForm, ReversalForm
from yanxiu.credits.models import Category, CreditEntry, Policy
from yanxiu.credits.policy import default_rules, policy_in_force, policy_terms_for
from yanxiu.credits.selectors import (
    early_warning,
    entries_behind,
    policy_outcome,
    policy_region,
    teacher_status,
)
from yanxiu.credits.services import (
    CreditError,
    certify_manual_entry,
    reverse_entry,
    save_policy,
)
from yanxiu.orgs.models import School

PAGE_SIZE = 50


def _year(request: AuthedHttpRequest) -> int:
    """The year asked for in the query string or, from the policy forms, in the POST."""
    raw = (request.GET.get("year") or request.POST.get("year") or "").strip()
    return parse_year(raw) if raw else timezone.localdate().year


@login_required
def my_credits(request: AuthedHttpRequest) -> HttpResponse:
    """我的学时: progress per category against the policy, the entries, what is missing."""
    teacher = getattr(request.user, "teacher", None)
    if teacher is None:
        raise Http404(_("您的账号没有关联教师档案"))
    year = _year(request)
    status = teacher_status(teacher, year)
    category = (
        request.GET.get("category") if request.GET.get("category") in Category.values else None
    )
    entries = entries_behind(request.user, teacher=teacher.pk, year=year, category=category)
    return render(
        request,
        "credits/my_credits.html",
        {"status": status, "entries": entries, "year": year, "years": _years(year)},
    )


def _years(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({*range(this - 4, this + 1), year}, reverse=True)


@login_required
def entry_list(request: AuthedHttpRequest) -> HttpResponse:
    """The ledger as managers see it, filtered; every report figure links here."""
    if not request.user.has_perm("credits.view_ledger"):
        raise PermissionDenied
    filters = _entry_filters(request)
    entries = entries_behind(request.user, **filters)
    query = request.GET.get("q", "").strip()
    if query:
        entries = entries.filter(teacher__name__contains=query)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "credits/entry_list.html",
        {
            "page": page,
            "filters": filters,
            "q": query,
            "categories": Category.choices,
            "schools": School.objects.visible_to(request.user).only("pk", "name").order_by("code"),
            "querystring": querystring.urlencode(),
            "can_certify": request.user.has_perm("credits.certify_entry"),
        },
    )


def _entry_filters(request: AuthedHttpRequest) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if request.GET.get("year"):
        filters["year"] = year_param(request)
    for name in ("teacher", "school", "zone", "group"):
        if (value := id_param(request, name)) is not None:
            filters[name] = value
    if request.GET.get("category") in Category.values:
        filters["category"] = request.GET["category"]
    return filters


@login_required
def entry_create(request: AuthedHttpRequest) -> HttpResponse:
    """Certify a manual entry (学时补登); a reason is required."""
    if not request.user.has_perm("credits.certify_entry"):
        raise PermissionDenied
    form = ManualEntryForm(
        request.POST or None, user=request.user, initial={"teacher": request.GET.get("teacher")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = certify_manual_entry(
                teacher=data["teacher"],
                year=data["year"],
                category=data["category"],
                amount=data["amount"],
                unit=data["unit"],
                occurred_on=data["occurred_on"],
                reason=data["reason"],
                activity_type=data["activity_type"],
                by=request.user,
                idempotency_key=data["idempotency_key"],
            )
        except CreditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已为 %(t)s 登记学时") % {"t": entry.teacher.name})
            return redirect(f"{_ledger_url()}?teacher={entry.teacher_id}&year={entry.year}")
    return render(request, "credits/entry_form.html", {"form": form})


def _ledger_url() -> str:
    return reverse("credits:entry_list")


@login_required
def entry_reverse(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Cancel an entry with a reversing entry; the reason is required."""
    entry = get_object_or_404(
        CreditEntry.objects.visible_to(request.user).select_related("teacher"), pk=pk
    )
    if not request.user.has_perm("credits.certify_entry", entry.teacher):
        raise PermissionDenied
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reverse_entry(entry, by=request.user, reason=form.cleaned_data["reason"])
        except CreditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已冲销该记录"))
            return redirect(f"{_ledger_url()}?teacher={entry.teacher_id}&year={entry.year}")
    return render(request, "credits/entry_reverse.html", {"form": form, "entry": entry})


@login_required
def policy_edit(request: AuthedHttpRequest) -> HttpResponse:
    """The bureau admin edits the region-year policy; saving adds a version."""
    region = policy_region(request.user)
    year = _year(request)
    current = policy_terms_for(region.pk, year)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(current))
    if request.method == "POST" and form.is_valid() and form.rules is not None:
        policy = save_policy(
            region, year, form.rules, by=request.user, note=form.cleaned_data["note"]
        )
        messages.success(
            request, _("%(y)s 年度学时政策已保存为第 %(v)s 版") % {"y": year, "v": policy.version}
        )
        return redirect(f"{request.path}?year={year}")
    versions = Policy.objects.filter(region=region, year=year).select_related("created_by")
    return render(
        request,
        "credits/policy_edit.html",
        {
            "form": form,
            "year": year,
            "years": _years(year),
            "region": region,
            "versions": versions,
            "in_force": policy_in_force(region.pk, year),
            "default_formula": default_rules().formula,
        },
    )


@login_required
@require_POST
def policy_preview(request: AuthedHttpRequest) -> HttpResponse:
    """What if: pass/fail counts under the edited rules next to the rules in force."""
    region = policy_region(request.user)
    year = _year(request)
    form = PolicyForm(request.POST)
    context: dict[str, Any] = {"form": form, "year": year}
    if form.is_valid() and form.rules is not None:
        context["current"] = policy_outcome(region, year, policy_terms_for(region.pk, year))
        context["proposed"] = policy_outcome(region, year, form.rules)
    return render(request, "credits/_policy_preview.html", context)


@login_required
def warnings(request: AuthedHttpRequest) -> HttpResponse:
    """进度预警: who will not reach the year's target at the current pace."""
    if not request.user.has_perm("credits.view_ledger"):
        raise PermissionDenied
    year = _year(request)
    warning = early_warning(request.user, year)
    page = Paginator(warning.teachers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/warnings.html",
        {"warning": warning, "page": page, "year": year, "years": _years(year)},
    )
