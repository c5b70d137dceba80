"""Django admin for superusers: the raw training tables."""

from django.contrib import admin

from yanxiu.training import models


class SessionInline(admin.TabularInline[models.Session, models.Course]):
    model = models.Session
    extra = 0


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin[models.Course]):
    list_display = ("title", "format", "track", "year", "status", "capacity", "approval")
    list_filter = ("format", "track", "status", "year")
    search_fields = ("title", "code")
    inlines = [SessionInline]
    raw_id_fields = ("organizer", "closed_by")


@admin.register(models.Enrollment)
class EnrollmentAdmin(admin.ModelAdmin[models.Enrollment]):
    list_display = ("teacher", "course", "status", "applied_at", "credit_posted")
    list_filter = ("status",)
    raw_id_fields = ("teacher", "course", "nominated_by")


@admin.register(models.Attendance)
class AttendanceAdmin(admin.ModelAdmin[models.Attendance]):
    list_display = ("teacher", "session", "present", "signed_in_at", "is_late", "left_early")
    raw_id_fields = ("teacher", "session", "marked_by")


@admin.register(models.CourseRequest)
class CourseRequestAdmin(admin.ModelAdmin[models.CourseRequest]):
    list_display = ("title", "school", "kind", "status", "requested_at")
    raw_id_fields = ("school", "course", "requested_by", "answered_by")
