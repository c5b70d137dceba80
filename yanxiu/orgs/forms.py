"""Forms of the organization pages; choices are limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yanxiu.core.forms import limit_choices
from yanxiu.orgs.models import (
    Departure,
    Group,
    HonourKind,
    Role,
    School,
    Teacher,
    User,
    Zone,
)
from yanxiu.orgs.selectors import grantable_groups
from yanxiu.orgs.services import ROLE_SCOPE


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates whatever the UI language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ZoneForm(forms.ModelForm[Zone]):
    class Meta:
        model = Zone
        fields = ["code", "name", "kind"]


class SchoolForm(forms.ModelForm[School]):
    class Meta:
        model = School
        fields = ["code", "name", "zone", "stage", "ownership", "kind", "address", "is_active"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["zone"], Zone.objects.visible_to(user))


class HonourForm(forms.Form):
    kind = forms.ChoiceField(label=_("荣誉"), choices=HonourKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1980, max_value=2100)


class TeacherForm(forms.ModelForm[Teacher]):
    """Roster fields a school may correct; the ID number and school change elsewhere."""

    class Meta:
        model = Teacher
        fields = [
            "name",
            "gender",
            "birth_date",
            "stage",
            "subjects",
            "title",
            "teaching_since",
            "degree",
            "backbone_level",
            "is_homeroom_teacher",
            "is_new_teacher",
            "is_famous_teacher",
            "leadership_post",
            "employment",
            "phone",
        ]
        widgets = {"birth_date": DateInput(), "subjects": forms.CheckboxSelectMultiple}


class TransferForm(forms.Form):
    to_school = forms.ModelChoiceField(label=_("调入学校"), queryset=School.objects.none())
    on = forms.DateField(label=_("调动日期"), widget=DateInput())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, teacher: Teacher, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        # Any school of the region: a school admin sends a teacher to a school they cannot read.
        limit_choices(
            self.fields["to_school"],
            (
                School.objects.filter(is_active=True, region_id=teacher.region_id)
                .exclude(pk=teacher.school_id)
                .order_by("code")
            ),
        )


class DeactivateForm(forms.Form):
    reason = forms.ChoiceField(label=_("离岗原因"), choices=Departure.choices)
    on = forms.DateField(label=_("离岗日期"), widget=DateInput())


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)


class GroupForm(forms.ModelForm[Group]):
    """A school's own group, or (leaving the school empty) a zone's or the region's."""

    class Meta:
        model = Group
        fields = ["name", "kind", "school", "zone", "subject", "stage"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["school"], School.objects.visible_to(user))
        limit_choices(self.fields["zone"], Zone.objects.visible_to(user))
        self.fields["school"].help_text = _("留空表示跨校研修组（片区或全区）")


class MemberForm(forms.Form):
    teacher = forms.ModelChoiceField(label=_("教师"), queryset=Teacher.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["teacher"], candidates)


class GroupChoiceField(forms.ModelChoiceField[Group]):
    """Groups named with their school or zone: many schools have a 语文教研组."""

    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.school or obj.zone or _('全区')} · {obj.name}"


class RoleForm(forms.Form):
    """Grant a role: the user by username, the role, and the one target its kind needs."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=[(r, Role(r).label) for r in ROLE_SCOPE])
    zone = forms.ModelChoiceField(label=_("片区"), queryset=Zone.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("学校"), queryset=School.objects.none(), required=False)
    group = GroupChoiceField(label=_("研修组"), queryset=Group.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["zone"], Zone.objects.visible_to(user))
        limit_choices(self.fields["school"], School.objects.visible_to(user))
        limit_choices(self.fields["group"], grantable_groups(user))
        self.fields["group"].help_text = _("校内研修组的组长也可在研修组页面设置")

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        found = User.objects.filter(username=username).first()
        if found is None:
            raise forms.ValidationError(_("找不到该用户名"))
        return found
