from django.contrib import admin

from accounts.admin import ConfigHistoryAdmin
from webhooks.models import Delivery, DeliveryAttempt, Event, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ConfigHistoryAdmin):
    # The secret is write-once through the API and never shown.
    list_display = ("id", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("url", "events", "created_by", "created_at", "deactivated_at")
    fields = ("url", "events", "is_active", "created_by", "created_at", "deactivated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "status_code", "error", "duration_ms", "succeeded")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event", "subscription", "state", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("state",)
    list_select_related = ("event", "subscription")
    readonly_fields = (
        "event", "subscription", "state", "attempts", "next_attempt_at", "last_status_code",
        "last_error", "delivered_at", "created_at", "updated_at",
    )
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "created_at")
    list_filter = ("type",)
    readonly_fields = ("id", "type", "data", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
