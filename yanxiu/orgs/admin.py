"""Django admin for superusers: the raw organization tables."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yanxiu.orgs import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("研修", {"fields": ("full_name",)}))  # type: ignore[misc]
    list_display = ("username", "full_name", "is_staff", "is_superuser")


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(models.Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region")


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "zone", "stage", "ownership", "kind")
    list_filter = ("stage", "ownership", "zone")
    search_fields = ("code", "name")


@admin.register(models.Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ("name", "id_number_masked", "school", "stage", "title")
    list_filter = ("stage", "title")
    search_fields = ("name",)
    raw_id_fields = ("school", "user")


@admin.register(models.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "school", "zone")


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "zone", "school", "group")
    list_filter = ("role",)
    raw_id_fields = ("user", "school", "group")


admin.site.register(models.Subject)
admin.site.register(models.SchoolHonour)
admin.site.register(models.TeacherPosting)
