"""Read-only admin of the rows that belong to a case (the audit trail, attachments, deadlines) and
of the report summaries."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from complaints.models import (
    Attachment,
    AttachmentDownload,
    CaseEvent,
    Communication,
    FinalAnswerDaily,
    IntakeHourly,
    Note,
    OpenBreach,
    OpenCaseCount,
    PiiAccessLog,
    ReferenceDay,
    ResolutionAction,
    StageTimeDaily,
)
from timers.models import Deadline, EscalationStep

from .access import CaseScopedMixin, RoleAccessMixin

# -- rows that belong to a case ------------------------------------------------------------


class ReadOnlyCaseRowAdmin(CaseScopedMixin, admin.ModelAdmin):
    read_only = True
    list_per_page = 50
    show_full_result_count = False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyCaseRowAdmin):
    list_display = ("at", "case", "kind", "transition", "from_state", "to_state", "actor", "summary")
    list_filter = ("kind", "transition")
    list_select_related = ("case", "actor")
    search_fields = ("=case__reference",)


@admin.register(Note)
class NoteAdmin(ReadOnlyCaseRowAdmin):
    list_display = ("created_at", "case", "author", "internal", "__str__")
    list_filter = ("internal",)
    list_select_related = ("case", "author")
    search_fields = ("=case__reference",)


@admin.register(Communication)
class CommunicationAdmin(ReadOnlyCaseRowAdmin):
    list_display = ("created_at", "case", "actor", "channel", "direction", "outcome")
    list_filter = ("channel", "direction", "outcome")
    list_select_related = ("case", "actor")
    search_fields = ("=case__reference",)


@admin.register(ResolutionAction)
class ResolutionActionAdmin(ReadOnlyCaseRowAdmin):
    list_display = ("created_at", "case", "type", "amount")
    list_filter = ("type",)
    list_select_related = ("case",)
    search_fields = ("=case__reference",)


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyCaseRowAdmin):
    """Who saw which personal data unmasked, when and why: compliance reads this."""

    list_display = ("at", "user", "case", "reason")
    list_filter = ("user",)
    list_select_related = ("case", "user")
    search_fields = ("=case__reference", "reason")
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)


@admin.register(AttachmentDownload)
class AttachmentDownloadAdmin(ReadOnlyCaseRowAdmin):
    """Who downloaded which file, when: read with the personal-data accesses, by the same roles."""

    case_path = "attachment__case"
    list_display = ("at", "user", "case", "attachment")
    list_filter = ("user",)
    list_select_related = ("attachment__case", "user")
    search_fields = ("=attachment__case__reference", "attachment__original_name")
    view_roles = PiiAccessLogAdmin.view_roles

    @admin.display(description=_("case"), ordering="attachment__case")
    def case(self, obj: AttachmentDownload):
        return obj.attachment.case


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyCaseRowAdmin):
    list_display = ("created_at", "case", "original_name", "content_type", "size", "uploaded_by")
    list_filter = ("content_type",)
    list_select_related = ("case", "uploaded_by")
    search_fields = ("=case__reference", "original_name")
    exclude = ("file",)  # downloads go through the permission-checked view


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyCaseRowAdmin):
    """Every timer (a superuser's view); others see those of the cases they may see."""

    list_display = ("subject", "kind", "state", "due_at", "warn_at", "breached", "escalation_level")
    list_filter = ("kind", "state", "breached", "content_type")
    search_fields = ("=case__reference",)
    date_hierarchy = "due_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subject")


@admin.register(EscalationStep)
class EscalationStepAdmin(ReadOnlyCaseRowAdmin):
    case_path = "deadline__case"
    list_display = ("fired_at", "deadline", "level")
    list_filter = ("level",)
    list_select_related = ("deadline",)
    search_fields = ("=deadline__case__reference",)


# -- report summaries (rebuilt by complaints.reporting.summaries; read-only here) ------------


@admin.register(StageTimeDaily)
class StageTimeDailyAdmin(RoleAccessMixin, admin.ModelAdmin):
    read_only = True
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)
    list_display = ("day", "team", "stage", "bucket", "exits")
    list_filter = ("stage", "team")
    date_hierarchy = "day"


@admin.register(FinalAnswerDaily)
class FinalAnswerDailyAdmin(RoleAccessMixin, admin.ModelAdmin):
    read_only = True
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)
    list_display = ("day", "team", "category", "answered", "on_time")
    list_filter = ("team", "category")
    date_hierarchy = "day"


# Kept by database triggers (migration 0015_report_counters); read-only here.
@admin.register(IntakeHourly)
class IntakeHourlyAdmin(RoleAccessMixin, admin.ModelAdmin):
    read_only = True
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)
    list_display = ("hour", "team", "received")
    list_filter = ("team",)
    date_hierarchy = "hour"


@admin.register(OpenCaseCount)
class OpenCaseCountAdmin(RoleAccessMixin, admin.ModelAdmin):
    read_only = True
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)
    list_display = ("team", "state", "category", "severity", "assignee", "n")
    list_filter = ("team", "state", "category", "severity")


# Kept by database triggers (migration 0020_reference_days); read-only here.
@admin.register(ReferenceDay)
class ReferenceDayAdmin(RoleAccessMixin, admin.ModelAdmin):
    read_only = True
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)
    list_display = ("day", "first_received", "last_received")
    search_fields = ("day",)


# Kept by database triggers (migration 0022_open_breaches); read-only here.
@admin.register(OpenBreach)
class OpenBreachAdmin(RoleAccessMixin, admin.ModelAdmin):
    read_only = True
    view_roles = (Role.SUPERVISOR, Role.AUDITOR)
    list_display = ("case", "team", "received_at")
    list_filter = ("team",)
    list_select_related = ("case", "team")
