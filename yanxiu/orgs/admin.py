"""Django admin for superusers: the raw organization tables."""

from typing import Any

import django_stubs_ext
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest

from yanxiu.orgs import models

# The password form is generic in django-stubs only; let it take the user type at run time.
django_stubs_ext.monkeypatch(extra_classes=[AdminPasswordChangeForm])


class ForcedChangePasswordForm(AdminPasswordChangeForm[models.User]):
    """A password an administrator set is known to them: the holder must change it."""

    def save(self, commit: bool = True) -> Any:
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(models.User)
class UserAdmin(BaseUserAdmin[models.User]):
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # django-stubs: fieldsets may be None
        ("研修", {"fields": ("full_name", "must_change_password")}),
    )
    list_display = ("username", "full_name", "is_staff", "is_superuser", "must_change_password")
    change_password_form = ForcedChangePasswordForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            # A new account's first password was chosen by the administrator.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin[models.Region]):
    list_display = ("code", "name")


@admin.register(models.Zone)
class ZoneAdmin(admin.ModelAdmin[models.Zone]):
    list_display = ("code", "name", "kind", "region")


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin[models.School]):
    list_display = ("code", "name", "zone", "stage", "ownership", "kind")
    list_filter = ("stage", "ownership", "zone")
    search_fields = ("code", "name")


@admin.register(models.Teacher)
class TeacherAdmin(admin.ModelAdmin[models.Teacher]):
    list_display = ("name", "id_number_masked", "school", "stage", "title")
    list_filter = ("stage", "title")
    search_fields = ("name",)
    raw_id_fields = ("school", "user")


@admin.register(models.Group)
class GroupAdmin(admin.ModelAdmin[models.Group]):
    list_display = ("name", "kind", "school", "zone")


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[models.RoleAssignment]):
    list_display = ("user", "role", "region", "zone", "school", "group")
    list_filter = ("role",)
    raw_id_fields = ("user", "school", "group")


admin.site.register(models.Subject)
admin.site.register(models.SchoolHonour)
admin.site.register(models.TeacherPosting)
