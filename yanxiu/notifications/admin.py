"""Django admin for superusers: notifications as sent."""

from django.contrib import admin

from yanxiu.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("recipient", "title", "created_at", "read_at")
    raw_id_fields = ("recipient",)
