"""Admin for the emergency group, playbooks, activations, drills and training."""

from django.contrib import admin

from accounts.admin import ConfigHistoryAdmin
from contingency.models import (
    Activation,
    ActivationCase,
    ActivationEvent,
    ActivationTask,
    Drill,
    DutyShift,
    GroupMember,
    Playbook,
    PlaybookVersion,
    Review,
    TrainingRecord,
)


class DutyShiftInline(admin.TabularInline):
    model = DutyShift
    extra = 1


@admin.register(GroupMember)
class GroupMemberAdmin(ConfigHistoryAdmin):
    list_display = ("user", "role", "department", "is_active")
    list_filter = ("role", "department", "is_active")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)
    inlines = [DutyShiftInline]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ("member", "starts_at", "ends_at")
    list_filter = ("member__department",)
    date_hierarchy = "starts_at"


class PlaybookVersionInline(admin.TabularInline):
    model = PlaybookVersion
    extra = 0
    fields = ("number", "status", "activated_at", "retired_at")
    readonly_fields = ("number", "status", "activated_at", "retired_at")
    can_delete = False
    show_change_link = True


@admin.register(Playbook)
class PlaybookAdmin(ConfigHistoryAdmin):
    list_display = ("name_zh", "name_en", "category", "code")
    list_filter = ("category",)
    inlines = [PlaybookVersionInline]


@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(ConfigHistoryAdmin):
    """Versions are written through the API and pages (an active version never changes)."""

    list_display = ("playbook", "number", "status", "activated_at", "retired_at")
    list_filter = ("status",)
    readonly_fields = ("playbook", "number", "status", "based_on", "created_by", "activated_at", "retired_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or obj.status == "draft"


class ActivationCaseInline(admin.TabularInline):
    model = ActivationCase
    extra = 0
    raw_id_fields = ("case",)
    readonly_fields = ("reason", "linked_at")


class ActivationTaskInline(admin.TabularInline):
    model = ActivationTask
    extra = 0
    fields = ("order", "title", "department", "required", "due_at", "assignee", "done_at")
    readonly_fields = ("order", "title", "department", "required", "due_at", "done_at")


class ActivationEventInline(admin.TabularInline):
    model = ActivationEvent
    extra = 0
    fields = ("at", "kind", "actor", "department", "summary")
    readonly_fields = fields
    can_delete = False


@admin.register(Activation)
class ActivationAdmin(admin.ModelAdmin):
    list_display = ("id", "playbook", "state", "is_drill", "trigger", "lead", "activated_at")
    list_filter = ("state", "is_drill", "trigger")
    readonly_fields = ("playbook", "playbook_version", "category", "state", "is_drill", "trigger", "created_by",
                       "activated_at", "acknowledged_at", "resolved_at", "reviewed_at", "override_reason")
    inlines = [ActivationCaseInline, ActivationTaskInline, ActivationEventInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("activation", "submitted_by", "submitted_at", "proposed_version")
    readonly_fields = ("activation", "submitted_by", "submitted_at", "proposed_version")


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ("playbook", "scheduled_for", "started_at", "completed_at", "tasks_on_time_ratio")
    list_filter = ("playbook",)
    readonly_fields = ("activation", "started_at", "completed_at", "time_to_acknowledge", "tasks_on_time_ratio")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("user", "playbook_version", "trained_at")
    list_filter = ("playbook_version__playbook",)
    autocomplete_fields = ("user",)

