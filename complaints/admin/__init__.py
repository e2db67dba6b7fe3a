"""Admin for the complaints domain, for supervisors, auditors and administrators.

Cases are never written directly here: edits go through `services.case_update` and
`services.case_reassign`, transitions run as admin actions through `services.case_transition`,
so the timeline, version and side effects stay the same as in the product. The audit trail
(events, notes, communications, personal-data accesses) is read-only, and personal data is only
ever shown masked.

Access follows roles rather than Django model permissions: staff users who are supervisors,
auditors or agents may view (cases limited to what they may see), supervisors may change what
their role allows; superusers everything the models permit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.exceptions import ValidationError

from accounts.admin import ConfigHistoryAdmin
from accounts.roles import Role
from common.api import error_items, validated
from common.exceptions import DomainError
from complaints import services
from complaints.api.inputs import TRANSITION_INPUTS
from complaints.choices import CaseState, Finding
from complaints.models import (
    CaseEvent,
    Category,
    ComplaintCase,
    ResolutionAction,
    SlaPolicy,
)
from complaints.selectors import case_visible_q
from complaints.services.cases import DESCRIPTIVE_FIELDS
from timers.models import CalendarDay, CalendarYear

from .access import VIEW_ROLES, RoleAccessMixin

# -- reference data ------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(RoleAccessMixin, ConfigHistoryAdmin):
    list_display = ("code", "name_zh", "name_en", "default_team", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_zh", "name_en")
    view_roles = (*VIEW_ROLES, Role.EMERGENCY_LEAD)

    def get_readonly_fields(self, request, obj=None):
        # The code is the API's contract: fixed once the category exists.
        return ("code",) if obj else ()


@admin.register(SlaPolicy)
class SlaPolicyAdmin(RoleAccessMixin, ConfigHistoryAdmin):
    list_display = (
        "category", "severity", "acknowledge_within", "verify_within", "final_answer_within",
        "follow_up_within", "calendar", "warn_ratio", "updated_at",
    )
    list_filter = ("category", "severity", "calendar")
    list_select_related = ("category",)
    view_roles = (*VIEW_ROLES, Role.EMERGENCY_LEAD)
    change_roles = (Role.SUPERVISOR,)
    deletable = True


@admin.register(CalendarDay)
class CalendarDayAdmin(RoleAccessMixin, ConfigHistoryAdmin):
    """Holidays and make-up working days; admins add the coming year's schedule here."""

    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "date"
    deletable = True


@admin.register(CalendarYear)
class CalendarYearAdmin(RoleAccessMixin, ConfigHistoryAdmin):
    list_display = ("year", "source")
    deletable = True


# -- the case ------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """Shown only inside a case the user may already see; never edited from here."""

    extra = 0
    can_delete = False
    ordering = ("id",)

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ResolutionActionInline(ReadOnlyInline):
    model = ResolutionAction
    fields = ("type", "amount", "detail", "created_at")
    readonly_fields = fields


def _state_label(value: str) -> str:
    return CaseState(value).label if value in CaseState.values else value


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "kind", "actor", "transition", "from_label", "to_label", "summary")
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("from"))
    def from_label(self, event: CaseEvent) -> str:
        return _state_label(event.from_state)

    @admin.display(description=_("to"))
    def to_label(self, event: CaseEvent) -> str:
        return _state_label(event.to_state)


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = ComplaintCase
        fields = (
            "category", "severity", "channel", "summary", "description", "received_at",
            "collection_channel", "risk_flags", "external_id", "assignee",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.filter(is_active=True)


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    notes = forms.CharField(label=_("Verification notes"), widget=forms.Textarea, max_length=10000)


class DemandForm(forms.Form):
    customer_demand = forms.CharField(label=_("Customer demand"), widget=forms.Textarea, max_length=10000)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, max_length=10000, required=False)


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int
    )
    accepted = forms.TypedChoiceField(
        label=_("Customer accepts"),
        choices=[("yes", _("Accepts")), ("no", _("Does not accept"))],
        coerce=lambda value: value == "yes",
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, max_length=10000, required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Closing notes"), widget=forms.Textarea, max_length=10000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=10000)


@dataclass(frozen=True)
class AdminTransition:
    """A transition offered as an admin action; `form` asks for its payload first."""

    name: str
    label: str
    form: type[forms.Form] | None = None


# `resolve` needs a list of remedies with amounts: it stays in the case page and the API.
ADMIN_TRANSITIONS = (
    AdminTransition("start_verification", _("Start verification (assign to me unless assigned)")),
    AdminTransition("complete_verification", _("Complete verification…"), FindingForm),
    AdminTransition("propose_resolution", _("Propose a resolution…"), DemandForm),
    AdminTransition("record_feedback", _("Record customer feedback…"), FeedbackForm),
    AdminTransition("close", _("Close…"), NotesForm),
    AdminTransition("reopen", _("Reopen…"), ReasonForm),
    AdminTransition("withdraw", _("Withdraw…"), ReasonForm),
)


def _transition_action(spec: AdminTransition):
    def action(modeladmin, request, queryset):
        return modeladmin.run_transition(request, queryset, spec)

    action.__name__ = f"transition_{spec.name}"
    return admin.action(description=spec.label, permissions=["change"])(action)


@admin.register(ComplaintCase)
class ComplaintCaseAdmin(RoleAccessMixin, admin.ModelAdmin):
    form = CaseAdminForm
    change_roles = (Role.AGENT, Role.SUPERVISOR)
    list_display = (
        "reference", "state", "category", "severity", "team", "assignee", "escalation_level",
        "is_breached", "received_at",
    )
    list_filter = ("state", "category", "severity", "team", "is_breached", "is_repeat")
    list_select_related = ("category", "team", "assignee")
    search_fields = ("reference", "external_id")
    # Counting a million rows on every page is the slow part of a changelist.
    show_full_result_count = False
    list_per_page = 50
    inlines = [ResolutionActionInline, CaseEventInline]
    actions = [_transition_action(spec) for spec in ADMIN_TRANSITIONS]
    readonly_fields = (
        "reference", "state", "team", "created_by", "complainant_name", "complainant_phone",
        "complainant_id_number", "complainant_email", "account_reference", "is_repeat",
        "escalation_level", "is_breached", "extension_count", "version", "verification_finding",
        "verification_notes", "customer_demand", "resolution_summary", "satisfaction", "accepted",
        "feedback_comment", "closing_notes", "withdrawal_reason", "reopen_count", "resolved_at",
        "closed_at", "created_at", "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("reference", "state", "team", "assignee", "category", "severity", "channel",
                           "summary", "description", "received_at", "risk_flags", "collection_channel",
                           "external_id", "created_by")}),
        # Masked: the clear values are read through the logged personal-data view only.
        (_("Complainant"), {"fields": ("complainant_name", "complainant_phone", "complainant_id_number",
                                       "complainant_email", "account_reference", "is_repeat")}),
        (_("Handling"), {"fields": ("verification_finding", "verification_notes", "customer_demand",
                                    "resolution_summary", "satisfaction", "accepted", "feedback_comment",
                                    "closing_notes", "withdrawal_reason", "reopen_count")}),
        (_("Deadlines and audit"), {"fields": ("escalation_level", "is_breached", "extension_count",
                                               "version", "resolved_at", "closed_at", "created_at",
                                               "updated_at")}),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(case_visible_q(request.user))

    def has_add_permission(self, request) -> bool:
        return False  # complaints are registered through the product and the API (case_create)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (obj.is_open and request.user.has_perm("complaints.work_case", obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = get_user_model().objects.filter(
                is_active=True, groups__name__in=[Role.AGENT, Role.SUPERVISOR]
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # The admin's transaction rolled back; say why and show the unchanged case.
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change) -> None:
        """Route the edit through the services so it is versioned and on the timeline."""
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in DESCRIPTIVE_FIELDS
        }
        if changes:
            services.case_update(case_id=obj.pk, actor=request.user, changes=changes)
        if "assignee" in form.changed_data:
            assignee = form.cleaned_data["assignee"]
            services.case_reassign(
                case_id=obj.pk, actor=request.user, assignee_id=assignee.pk if assignee else None
            )

    def run_transition(self, request, queryset, spec: AdminTransition):
        """Ask for the payload if the transition has one, then fire it on each selected case."""
        payload: dict = {}
        if spec.form is not None:
            form = spec.form(request.POST if "apply" in request.POST else None)
            if not form.is_bound or not form.is_valid():
                return TemplateResponse(
                    request,
                    "admin/complaints/complaintcase/transition_action.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": spec.label,
                        "opts": self.model._meta,
                        "form": form,
                        "cases": queryset,
                        "action_name": f"transition_{spec.name}",
                        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    },
                )
            payload = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            payload = validated(TRANSITION_INPUTS[spec.name], payload)
        except ValidationError as exc:
            self.message_user(request, "; ".join(item["detail"] for item in error_items(exc)), messages.ERROR)
            return None
        done = 0
        for case_id, reference in queryset.values_list("pk", "reference"):
            try:
                services.case_transition(case_id=case_id, name=spec.name, actor=request.user, payload=payload)
            except DomainError as exc:
                self.message_user(
                    request, _("%(reference)s: %(error)s") % {"reference": reference, "error": exc.detail},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d case done: %(label)s", "%(count)d cases done: %(label)s", done)
                % {"count": done, "label": spec.label},
                messages.SUCCESS,
            )
        return None


# The read-only rows and summaries register themselves on import.
from . import records  # noqa: E402, F401
