"""Django admin for superusers: the raw project tables (state changes go through services)."""

from django.contrib import admin

from yanxiu.projects import models


class EventInline(admin.TabularInline[models.ProjectEvent, models.SchoolProject]):
    model = models.ProjectEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "by", "at", "comment")


@admin.register(models.SchoolProject)
class SchoolProjectAdmin(admin.ModelAdmin[models.SchoolProject]):
    list_display = ("theme", "school", "year", "kind", "state")
    list_filter = ("year", "state", "kind")
    search_fields = ("theme", "school__name")
    readonly_fields = ("state", "certified_by", "certified_at")
    raw_id_fields = ("school", "leader", "participants", "designated", "created_by")
    inlines = [EventInline]


@admin.register(models.SchoolPlan)
class SchoolPlanAdmin(admin.ModelAdmin[models.SchoolPlan]):
    list_display = ("school", "year", "state", "principal_name", "submitted_at")
    list_filter = ("year", "state")
    raw_id_fields = ("school", "principal_confirmed_by")


@admin.register(models.PlanWindow)
class PlanWindowAdmin(admin.ModelAdmin[models.PlanWindow]):
    list_display = ("region", "year", "opens_on", "closes_on")


@admin.register(models.DesignatedContent)
class DesignatedContentAdmin(admin.ModelAdmin[models.DesignatedContent]):
    list_display = ("title", "region", "year", "hours", "credit_value")
