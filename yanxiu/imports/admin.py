"""Django admin for superusers: import jobs, read-only (they are records of what happened)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yanxiu.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = (
        "original_name",
        "kind",
        "status",
        "total_rows",
        "rejected_rows",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("original_name",)
    exclude = ("report",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
