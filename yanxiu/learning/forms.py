"""Forms for authoring course content (units and quiz questions), for the discussion and for
a region's study-time limits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from yanxiu.core.uploads import COURSE_DOCUMENTS, COURSE_VIDEOS, FileTypeValidator
from yanxiu.learning.media import video_seconds
from yanxiu.learning.models import CourseUnit, StudyLimits, UnitKind

CHOICES_PER_QUESTION = 4
# Containers round their lengths differently; a typed length this close to the file's agrees.
DURATION_SLACK_SECONDS = 1


class UnitForm(forms.ModelForm[CourseUnit]):
    class Meta:
        model = CourseUnit
        fields = [
            "kind",
            "title",
            "position",
            "is_published",
            "is_required",
            "video",
            "duration_seconds",
            "document",
            "body",
            "pass_mark",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].validators.append(FileTypeValidator(COURSE_VIDEOS))
        self.fields["document"].validators.append(FileTypeValidator(COURSE_DOCUMENTS))
        duration = self.fields["duration_seconds"]
        duration.required = False
        duration.label = _("时长(秒)")
        duration.help_text = _(
            "视频：留空则从上传的视频文件读出。文档、图文：读满多久才算读完"
            "(由服务器计时，规则同视频)；留空或 0 表示打开即算读完。"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == UnitKind.VIDEO:
            if not data.get("video"):
                self.add_error("video", _("视频单元需要上传视频文件。"))
            self._check_duration(data)
        elif data.get("duration_seconds") is None:
            data["duration_seconds"] = 0
        if kind == UnitKind.DOCUMENT and not data.get("document"):
            self.add_error("document", _("文档单元需要上传 PDF 文件。"))
        if kind == UnitKind.PAGE and not data.get("body"):
            self.add_error("body", _("图文单元需要填写正文。"))
        return data

    def _check_duration(self, data: dict[str, Any]) -> None:
        """Take a new video's length from the file; what the author typed must agree with it."""
        video, typed = data.get("video"), data.get("duration_seconds")
        uploaded = video if isinstance(video, UploadedFile) else None
        read = video_seconds(uploaded) if uploaded else None
        if read is None:
            if not typed:
                self.add_error(
                    "duration_seconds",
                    _("无法从视频文件读出时长，请填写视频时长(秒)。")
                    if uploaded
                    else _("请填写视频时长(秒)。"),
                )
        elif not typed:
            data["duration_seconds"] = read
        elif abs(typed - read) > DURATION_SLACK_SECONDS:
            self.add_error(
                "duration_seconds",
                _("视频文件时长为 %(read)s 秒，与填写的 %(typed)s 秒不符；请改正或留空。")
                % {"read": read, "typed": typed},
            )


class QuestionForm(forms.Form):
    """A single-choice question with up to four answers, one marked right."""

    text = forms.CharField(label=_("题目"), max_length=500)
    choice_1 = forms.CharField(label=_("选项 A"), max_length=200)
    choice_2 = forms.CharField(label=_("选项 B"), max_length=200)
    choice_3 = forms.CharField(label=_("选项 C"), max_length=200, required=False)
    choice_4 = forms.CharField(label=_("选项 D"), max_length=200, required=False)
    correct = forms.TypedChoiceField(
        label=_("正确答案"),
        coerce=int,
        choices=[(1, "A"), (2, "B"), (3, "C"), (4, "D")],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        correct = data.get("correct")
        if correct and not data.get(f"choice_{correct}"):
            self.add_error("correct", _("正确答案对应的选项不能为空。"))
        return data

    def choices(self) -> list[tuple[str, bool]]:
        correct = self.cleaned_data["correct"]
        return [
            (self.cleaned_data[f"choice_{i}"], i == correct)
            for i in range(1, CHOICES_PER_QUESTION + 1)
            if self.cleaned_data[f"choice_{i}"]
        ]


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("主题"), max_length=120)
    body = forms.CharField(
        label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("回复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class StudyLimitsForm(forms.ModelForm[StudyLimits]):
    """The region's study-time limits; the model's validators bound each value."""

    class Meta:
        model = StudyLimits
        fields = ["daily_cap_minutes", "idle_prompt_minutes", "watched_share"]
        help_texts = {
            "daily_cap_minutes": _("每位学员每天最多计入的学习时间，0 至 1440 分钟。"),
            "idle_prompt_minutes": _("每计时这么多分钟弹出一次在线确认，未确认则暂停计时。"),
            "watched_share": _("视频计时达到时长的这一比例即视为看完，1 至 100。"),
        }
