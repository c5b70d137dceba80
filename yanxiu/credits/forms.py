"""Forms for manual entries, reversals and the policy editor; they validate at the edge."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import yaml
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yanxiu.credits.models import ActivityType, Category, Unit
from yanxiu.credits.policy import CATEGORIES, PolicyError, PolicyTerms, parse_policy
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Teacher, User


class ManualEntryForm(forms.Form):
    """A credit certified by hand (学时补登), for a teacher the user may certify."""

    teacher = forms.IntegerField(widget=forms.HiddenInput, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    amount = forms.DecimalField(
        label=_("数量"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    unit = forms.ChoiceField(label=_("单位"), choices=Unit.choices)
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    activity_type = forms.ChoiceField(
        label=_("活动类型"), choices=[("", _("（其他）")), *ActivityType.choices], required=False
    )
    reason = forms.CharField(
        label=_("说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    # A fresh token in every rendered form: submitting it twice certifies one entry.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$")],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].initial = timezone.localdate().year
        self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["idempotency_key"].initial = secrets.token_urlsafe(24)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        teachers = Teacher.objects.visible_to(self.user)
        if data.get("teacher"):
            data["teacher"] = teachers.filter(pk=data["teacher"]).first()
        elif data.get("id_number"):
            try:
                digest = idnumbers.digest(idnumbers.normalize(data["id_number"]))
            except idnumbers.InvalidIdNumber as exc:
                self.add_error("id_number", str(exc))
                return data
            data["teacher"] = teachers.filter(id_number_hash=digest).first()
        if not data.get("teacher"):
            self.add_error("id_number", _("找不到这位教师，或您无权为其登记学时"))
        elif not self.user.has_perm("credits.certify_entry", data["teacher"]):
            self.add_error(None, _("您无权为这位教师认定学时"))
        return data


class ReversalForm(forms.Form):
    reason = forms.CharField(
        label=_("冲销原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PolicyForm(forms.Form):
    """The policy page: the common numbers as fields, periods and cycle as YAML."""

    unit = forms.ChoiceField(label=_("年度要求的单位"), choices=Unit.choices)
    total = forms.DecimalField(label=_("年度总量"), min_value=0, max_digits=8, decimal_places=2)
    school_fail_percent = forms.DecimalField(
        label=_("学校不合格率阈值（%）"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    excluded_activity_types = forms.MultipleChoiceField(
        label=_("不计学时的活动"),
        choices=ActivityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    advanced = forms.CharField(
        label=_("项目周期与多年周期（YAML）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in CATEGORIES:
            label = Category(c).label
            self.fields[f"min_{c}"] = forms.DecimalField(
                label=_("%(c)s最低") % {"c": label}, min_value=0, required=False, decimal_places=2
            )
            self.fields[f"cap_{c}"] = forms.DecimalField(
                label=_("%(c)s上限") % {"c": label}, min_value=0, required=False, decimal_places=2
            )
            self.fields[f"hpc_{c}"] = forms.DecimalField(
                label=_("%(c)s每学分学时数") % {"c": label},
                min_value=Decimal("0.01"),
                decimal_places=2,
            )
        self.rules: PolicyTerms | None = None

    @classmethod
    def initial_for(cls, rules: PolicyTerms) -> dict[str, Any]:
        doc = rules.to_document()
        initial: dict[str, Any] = {
            "unit": rules.unit,
            "total": rules.total,
            "school_fail_percent": rules.school_fail_threshold * 100,
            "excluded_activity_types": sorted(rules.excluded_activity_types),
            "advanced": yaml.safe_dump(
                {"periods": doc["periods"], "cycle": doc["cycle"]},
                allow_unicode=True,
                sort_keys=False,
            ),
        }
        for c in CATEGORIES:
            initial[f"min_{c}"] = rules.minimums.get(c)
            initial[f"cap_{c}"] = rules.caps.get(c)
            initial[f"hpc_{c}"] = rules.hours_per_credit[c]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            advanced = yaml.safe_load(data.get("advanced") or "") or {}
        except yaml.YAMLError as exc:
            self.add_error("advanced", _("YAML 格式有误：%(e)s") % {"e": exc})
            return data
        if not isinstance(advanced, dict):
            self.add_error("advanced", _("这里应是包含 periods 和 cycle 的对象"))
            return data
        document = {
            "annual": {
                "unit": data["unit"],
                "total": str(data["total"]),
                "minimums": {
                    c: str(data[f"min_{c}"]) for c in CATEGORIES if data.get(f"min_{c}") is not None
                },
                "caps": {
                    c: str(data[f"cap_{c}"]) for c in CATEGORIES if data.get(f"cap_{c}") is not None
                },
            },
            "hours_per_credit": {c: str(data[f"hpc_{c}"]) for c in CATEGORIES},
            "excluded_activity_types": data.get("excluded_activity_types") or [],
            "school_fail_threshold": str(data["school_fail_percent"] / 100),
            "periods": advanced.get("periods") or [],
            "cycle": advanced.get("cycle"),
        }
        try:
            self.rules = parse_policy(document)
        except PolicyError as exc:
            for message in exc.messages:
                self.add_error(None, message)
        return data
