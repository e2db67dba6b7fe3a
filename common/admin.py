from django.contrib import admin

from common.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only: for support staff answering "did our retry create a second case?"."""

    list_display = ("key", "scope", "user", "status_code", "created_at")
    list_filter = ("scope", "status_code")
    search_fields = ("key",)
    list_select_related = ("user",)
    readonly_fields = ("user", "key", "scope", "request_hash", "status_code", "response_body", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
