"""Output shapes of the conduct API (inputs: conduct.validation for contacts, below for rules)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from conduct.choices import ContactChannel, ContactDirection, ContactOutcome, ContactParty, RuleKind
from conduct.validation import ContactBatchSerializer  # noqa: F401  (the import's request body)


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Rows stored now.")
    unchanged = serializers.IntegerField(help_text="Rows already stored (same client and source_id).")


class ContactSerializer(serializers.Serializer):
    """A contact as shown on a case: personal data masked."""

    source_id = serializers.CharField()
    account_reference = serializers.CharField(help_text="Masked.")
    at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    direction = serializers.ChoiceField(choices=ContactDirection.choices)
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    party = serializers.ChoiceField(choices=ContactParty.choices)
    contacted_number = serializers.CharField(help_text="Masked; empty when none was given.")
    consented_contact = serializers.BooleanField()
    collector = serializers.CharField()
    agency = serializers.CharField()
    collectors_present = serializers.IntegerField(allow_null=True)
    recording_ref = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # `Sensitive` values render masked through str(); never reveal here.
        data["account_reference"] = str(instance.account_reference)
        data["contacted_number"] = str(instance.contacted_number)
        return data


class WindowSerializer(serializers.Serializer):
    since = serializers.DateTimeField(source="window_since")
    until = serializers.DateTimeField(source="window_until")


class BreachSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule's code.")
    detail = serializers.CharField()
    contacts = serializers.ListField(child=serializers.CharField(), help_text="source_id of each proving contact.")


class ConductCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    checked_at = serializers.DateTimeField()
    window = WindowSerializer(source="*")
    contacts_checked = serializers.IntegerField()
    breaches = BreachSerializer(many=True)
    suggested_finding = serializers.ChoiceField(
        choices=["substantiated", "unsubstantiated"],
        allow_null=True,
        help_text="substantiated when any breach, unsubstantiated when none, null without contacts.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["suggested_finding"] = instance.suggested_finding or None
        return data


class ConductRuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    enabled = serializers.BooleanField()
    params = serializers.DictField()


class ConductRulePatchSerializer(serializers.Serializer):
    """Only `enabled` and `params` change; `params` is merged and checked for the rule's kind."""

    enabled = serializers.BooleanField(required=False)
    params = serializers.DictField(required=False)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: serializers.ErrorDetail(_("This field cannot be changed."), code="read_only") for name in unknown}
            )
        return attrs


class StatRowSerializer(serializers.Serializer):
    breaches = serializers.IntegerField()
    cases = serializers.IntegerField(help_text="Cases with at least one of these breaches.")


class RuleStatSerializer(StatRowSerializer):
    rule = serializers.CharField()
    name = serializers.CharField()


class CollectorStatSerializer(StatRowSerializer):
    collector = serializers.CharField()


class AgencyStatSerializer(StatRowSerializer):
    agency = serializers.CharField()


class ConductReportSerializer(serializers.Serializer):
    month = serializers.CharField()
    breaches = serializers.IntegerField()
    cases = serializers.IntegerField()
    by_rule = RuleStatSerializer(many=True)
    by_collector = CollectorStatSerializer(many=True)
    by_agency = AgencyStatSerializer(many=True)
