"""Django admin for superusers: issued documents, read-only (revoke on the 证明管理 page)."""

from django.contrib import admin

from yanxiu.certificates.models import IssuedDocument
from yanxiu.credits.admin import ReadOnlyAdmin


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("teacher", "kind", "year", "code", "issued_by", "issued_at", "revoked")
    list_filter = ("kind", "year", "revoked")
    list_select_related = ("teacher", "issued_by")
    search_fields = ("code", "teacher__name")
