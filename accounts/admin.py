from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from .models import ConfigChange, Team, User
from .selectors import can_read_config_history


class ConfigHistoryAdmin(SimpleHistoryAdmin):
    """Adds the "History" view (who, when, what changed) for auditors and administrators only.

    Nothing is reverted from it: a revert would bypass the services (SIMPLE_HISTORY_REVERT_DISABLED).
    """

    def has_view_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_staff and can_read_config_history(request.user)

    def has_change_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_history_or_change_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_view_history_permission(request, obj)


@admin.register(ConfigChange)
class ConfigChangeAdmin(admin.ModelAdmin):
    """The auditors' feed of configuration changes (also GET /api/v1/audit/config-changes/)."""

    list_display = ("at", "model", "object_repr", "action", "actor")
    list_filter = ("model", "action")
    list_select_related = ("actor",)
    search_fields = ("object_repr", "=object_id", "actor__username")
    date_hierarchy = "at"
    fields = ("at", "actor", "model", "object_id", "object_repr", "action", "changes")
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_staff and can_read_config_history(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ConfigHistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Work"), {"fields": ("display_name", "phone", "teams")}),
    )
    list_display = ("username", "display_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "teams", "is_active", "is_staff")
    filter_horizontal = ("groups", "user_permissions", "teams")


@admin.register(Team)
class TeamAdmin(ConfigHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


# API tokens: admins see whose, since and until when, and revoke one by deleting it. The key is
# not stored (knox keeps a digest); the list shows neither digest nor the stored prefix.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "expiry")
    list_filter = ("user__groups",)
    search_fields = ("user__username",)
    ordering = ("-created",)
    fields = ("user", "created", "expiry")
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by POST /api/v1/auth/token/ only

    def has_change_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        return False
