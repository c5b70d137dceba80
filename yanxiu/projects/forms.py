"""Forms of the project pages: they parse and validate input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yanxiu.core.forms import limit_choices
from yanxiu.core.uploads import PROJECT_FILES, FileTypeValidator
from yanxiu.imports.forms import check_spreadsheet
from yanxiu.orgs.models import Group, School, SchoolKind, Teacher
from yanxiu.projects.models import (
    DesignatedContent,
    Grade,
    ProjectActivity,
    SchoolPlan,
    SchoolProject,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
check_project_file = FileTypeValidator(PROJECT_FILES)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; an empty input is an empty list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class TeacherChoiceField(forms.ModelMultipleChoiceField[Teacher]):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SchoolPlanForm(forms.ModelForm[SchoolPlan]):
    class Meta:
        model = SchoolPlan
        fields = ["goals", "content", "schedule", "measures", "planned_hours"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[:4]}


class PlanSubmitForm(forms.Form):
    principal_confirmed = forms.BooleanField(
        label=_("我是本校校长（或受校长委托），已审阅并确认本计划"), required=False
    )


class PlanWindowForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("开始日期"), widget=DATE)
    closes_on = forms.DateField(label=_("截止日期"), widget=DATE)


class ApplicationForm(forms.ModelForm[SchoolProject]):
    """A self-chosen project's application; participants come from teachers or whole groups."""

    participants = TeacherChoiceField(
        queryset=Teacher.objects.none(), label=_("参训教师"), required=False
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.none(),
        label=_("按研修组添加参训教师"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SchoolProject
        fields = [
            "year",
            "theme",
            "goals",
            "activities_plan",
            "starts_on",
            "ends_on",
            "hours",
            "credit_value",
            "category",
            "leader",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "activities_plan": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DATE,
            "ends_on": DATE,
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teachers = school_teachers(school)
        limit_choices(self.fields["leader"], teachers)
        limit_choices(self.fields["participants"], teachers)
        # Cross-school groups count too; only their members from this school are added.
        limit_choices(
            self.fields["groups"],
            (
                Group.objects.filter(Q(school=school) | Q(memberships__teacher__school=school))
                .distinct()
                .order_by("name", "pk")
            ),
        )
        if self.instance.pk:
            self.fields["participants"].initial = list(
                self.instance.participants.values_list("pk", flat=True)
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("participants") and not data.get("groups"):
            self.add_error("participants", _("请选择参训教师或研修组。"))
        return data

    def chosen_participants(self, school: School) -> list[Teacher]:
        chosen = {t.pk: t for t in self.cleaned_data["participants"]}
        for teacher in school_teachers(school).filter(
            member_groups__in=self.cleaned_data["groups"]
        ):
            chosen.setdefault(teacher.pk, teacher)
        return list(chosen.values())


def school_teachers(school: School) -> QuerySet[Teacher, Any]:
    return Teacher.objects.filter(school=school, is_active=True).order_by("name", "pk")


class ActivityForm(forms.ModelForm[ProjectActivity]):
    """An activity with who was expected, who attended, and its materials."""

    participants = TeacherChoiceField(
        queryset=Teacher.objects.none(), label=_("参加教师"), required=False
    )
    attended = TeacherChoiceField(
        queryset=Teacher.objects.none(), label=_("实际出勤"), required=False
    )
    materials = MultipleFileField(label=_("活动资料"), validators=[check_project_file])

    class Meta:
        model = ProjectActivity
        fields = [
            "title",
            "activity_type",
            "organizer",
            "starts_at",
            "ends_at",
            "mode",
            "place",
            "minutes",
            "credit_value",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, project: SchoolProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = project.participants.order_by("name", "pk")
        limit_choices(self.fields["participants"], members)
        self.fields["participants"].help_text = _("不选则为全部参训教师")
        limit_choices(self.fields["attended"], members)
        limit_choices(self.fields["organizer"], school_teachers(project.school))
        # Say at once, while the type is being chosen, whether it will earn credit.
        self.fields["activity_type"].widget.attrs.update(
            {
                "hx-get": reverse("projects:type_notice", args=[project.pk]),
                "hx-trigger": "change",
                "hx-target": "#type-notice",
            }
        )


class AttendanceForm(forms.Form):
    attended = TeacherChoiceField(queryset=Teacher.objects.none(), label=_("实际出勤"))

    def __init__(self, *args: Any, activity: ProjectActivity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expected = Teacher.objects.filter(pk__in=activity.attendance.values("teacher_id")).order_by(
            "name", "pk"
        )
        limit_choices(self.fields["attended"], expected)
        self.fields["attended"].required = False
        self.fields["attended"].initial = list(
            activity.attendance.filter(attended=True).values_list("teacher_id", flat=True)
        )


class SignInSheetForm(forms.Form):
    sheet = forms.FileField(
        label=_("签到表（.xlsx 或 .csv）"),
        validators=[check_spreadsheet],
        help_text=_("需要“姓名”或“身份证号”列；可选“出勤”列（是/否），不填视为出勤。"),
    )


class MaterialForm(forms.Form):
    materials = MultipleFileField(
        label=_("活动资料"), required=True, validators=[check_project_file]
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(forms.Form):
    summary = forms.CharField(label=_("实施总结"), widget=forms.Textarea(attrs={"rows": 5}))
    evidence_files = MultipleFileField(label=_("证明材料"), validators=[check_project_file])


class CertifyForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("评估等级"), choices=[c for c in Grade.choices if c[0] != Grade.FAIL]
    )
    score = forms.DecimalField(
        label=_("评估得分"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    comment = forms.CharField(
        label=_("评估意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DesignatedContentForm(forms.ModelForm[DesignatedContent]):
    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        label=_("下达学校"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则下达到全部学校"),
    )

    class Meta:
        model = DesignatedContent
        fields = ["year", "title", "description", "hours", "credit_value"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, schools: QuerySet[School, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["schools"], schools.filter(kind=SchoolKind.SCHOOL, is_active=True)
        )
