"""Django admin for superusers: the ledger and policies, read-only (the ledger is append-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yanxiu.credits import models


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Changes go through the services (reversals, new policy versions), never the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ("teacher", "year", "category", "amount", "unit", "source_label", "certified_at")
    list_filter = ("year", "category", "unit")
    list_select_related = ("teacher",)
    raw_id_fields = ("teacher", "reverses")


@admin.register(models.Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("region", "year", "version", "note", "created_at")
    list_filter = ("year",)
