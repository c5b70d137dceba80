"""Django admin for superusers: see and revoke anyone's API tokens (keys are never shown)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from yanxiu.api.models import ApiToken
from yanxiu.api.services import revoke_token


@admin.action(description=_("吊销所选令牌"))
def revoke_selected(
    modeladmin: admin.ModelAdmin[ApiToken], request: HttpRequest, queryset: QuerySet[ApiToken]
) -> None:
    for token in queryset:
        revoke_token(token)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = [revoke_selected]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A key is shown only to its owner, on /api-tokens/ or by create_api_token.
        return False
