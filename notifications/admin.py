from django.contrib import admin

from notifications.models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "state", "attempts", "next_attempt_at", "last_error", "sent_at", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "recipient", "kind", "title", "case", "is_drill", "created_at", "read_at")
    list_filter = ("kind", "is_drill")
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient", "case")
    readonly_fields = ("created_at",)
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "notification", "channel", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("channel", "state")
    raw_id_fields = ("notification",)
