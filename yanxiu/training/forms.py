"""Forms for the catalog, sessions, course requests and attendance; validation at the edge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yanxiu.core.forms import limit_choices
from yanxiu.imports.forms import check_spreadsheet
from yanxiu.orgs.models import Ownership, Stage
from yanxiu.training.models import (
    Course,
    CourseRequest,
    CourseRequestKind,
    RoleRequirement,
    Session,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class CourseForm(forms.ModelForm[Course]):
    stages = forms.MultipleChoiceField(
        label=_("适用学段"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示不限"),
    )
    ownerships = forms.MultipleChoiceField(
        label=_("适用学校办学性质"),
        choices=Ownership.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示不限"),
    )
    roles = forms.MultipleChoiceField(
        label=_("适用对象"),
        choices=RoleRequirement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("满足其一即可；不选表示不限"),
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "format",
            "track",
            "year",
            "description",
            "starts_on",
            "ends_on",
            "location",
            "credit_amount",
            "credit_unit",
            "credit_category",
            "stages",
            "subjects",
            "roles",
            "ownerships",
            "min_years",
            "max_years",
            "capacity",
            "approval",
            "completion_rate",
            "max_irregular",
            "grace_minutes",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "subjects": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("min_years"), data.get("max_years")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("max_years", _("最高教龄不能小于最低教龄"))
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("结束日期不能早于开始日期"))
        return data


class SessionForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "location", "teacher_name"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("结束时间必须晚于开始时间"))
        return data


class CourseRequestForm(forms.ModelForm[CourseRequest]):
    class Meta:
        model = CourseRequest
        fields = ["kind", "course", "title", "details"]
        widgets = {"details": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, courses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["course"], courses if courses is not None else Course.objects.none()
        )
        self.fields["kind"].initial = CourseRequestKind.ADD


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("结论"),
        choices=[("1", _("采纳")), ("0", _("不采纳"))],
        coerce=lambda v: v == "1",
    )
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}))


class ManualAttendanceForm(forms.Form):
    teacher = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.TypedChoiceField(
        label=_("出勤"),
        choices=[("1", _("出勤")), ("0", _("缺勤"))],
        coerce=lambda v: v == "1",
    )
    is_late = forms.BooleanField(label=_("迟到"), required=False)
    left_early = forms.BooleanField(label=_("早退"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=200)


class SheetForm(forms.Form):
    sheet = forms.FileField(label=_("签到表（.xlsx 或 .csv）"))

    def clean_sheet(self) -> Any:
        upload = self.cleaned_data["sheet"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件"))
        check_spreadsheet(upload)
        return upload


class SignInForm(forms.Form):
    """A QR link's token (hidden, from the scanned link) or the code typed from the screen."""

    code = forms.RegexField(
        label=_("签到码"),
        regex=r"^\s*\d{6}\s*$",
        required=False,
        error_messages={"invalid": _("签到码是6位数字")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )
    token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("token") and not cleaned.get("code") and "code" not in self.errors:
            self.add_error("code", _("请输入现场屏幕上的6位签到码"))
        return cleaned
