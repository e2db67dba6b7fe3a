"""Admin: conduct rules are edited here (numbers, on/off); contacts, checks and breaches are evidence,
read-only, with personal data masked."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from accounts.admin import ConfigHistoryAdmin
from common.exceptions import ValidationFailed
from conduct.models import CollectionContact, ConductBreach, ConductCheck, ConductRule
from conduct.rule_params import rule_params_clean


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ConductRuleForm(forms.ModelForm):
    class Meta:
        model = ConductRule
        fields = ["enabled", "params", "name_zh", "name_en", "sort_order"]

    def clean_params(self):
        try:
            return rule_params_clean(self.instance.kind, self.cleaned_data.get("params"))
        except ValidationFailed as exc:
            raise forms.ValidationError(
                [f"{attr}: {message}" for attr, items in exc.errors.items() for _, message in items]
            ) from None


@admin.register(ConductRule)
class ConductRuleAdmin(ConfigHistoryAdmin):
    form = ConductRuleForm
    list_display = ("code", "name_zh", "kind", "enabled", "params", "sort_order")
    list_editable = ("enabled",)
    readonly_fields = ("code", "kind", "updated_at")
    fields = ("code", "kind", "name_zh", "name_en", "enabled", "params", "sort_order", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False  # a rule's kind needs code in the engine: new kinds arrive by migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CollectionContact)
class CollectionContactAdmin(ReadOnlyAdmin):
    list_display = ("source_id", "client", "account_reference", "at", "channel", "direction", "outcome",
                    "party", "collector", "agency")
    list_filter = ("channel", "direction", "outcome", "party")
    search_fields = ("source_id", "collector", "agency")
    date_hierarchy = "at"
    list_select_related = ("client",)


@admin.register(ConductCheck)
class ConductCheckAdmin(ReadOnlyAdmin):
    list_display = ("case", "checked_at", "contacts_checked", "suggested_finding", "actor")
    raw_id_fields = ("case",)
    list_select_related = ("case", "actor")


@admin.register(ConductBreach)
class ConductBreachAdmin(ReadOnlyAdmin):
    list_display = ("rule_code", "at", "collector", "agency", "case", "is_current")
    list_filter = ("rule_code", "is_current")
    list_select_related = ("case",)
