"""Admin for online study: the region's study limits, units with their questions, saved sessions."""

from __future__ import annotations

from django.contrib import admin

from yanxiu.learning.models import Choice, CourseUnit, Question, StudyLimits, StudySession


@admin.register(StudyLimits)
class StudyLimitsAdmin(admin.ModelAdmin[StudyLimits]):
    list_display = ["region", "daily_cap_minutes", "idle_prompt_minutes", "watched_share"]


class ChoiceInline(admin.TabularInline[Choice, Question]):
    model = Choice
    extra = 2


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ["text", "unit"]
    inlines = [ChoiceInline]


@admin.register(CourseUnit)
class CourseUnitAdmin(admin.ModelAdmin[CourseUnit]):
    list_display = ["title", "course", "kind", "position", "is_published"]
    list_filter = ["kind", "is_published"]


@admin.register(StudySession)
class StudySessionAdmin(admin.ModelAdmin[StudySession]):
    list_display = ["teacher", "unit", "started_at", "ended_at", "counted_seconds", "is_open"]
    readonly_fields = [f.name for f in StudySession._meta.fields]
