"""Shapes of the SLA endpoints (docs/api-guide.md "Categories and SLA policies", extensions)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.choices import CalendarMode, Severity
from complaints.sla import format_iso_duration


@extend_schema_field(OpenApiTypes.STR)
class IsoDurationField(serializers.Field):
    """A timedelta written as the shortest ISO 8601 duration (`P15D`, `PT4H`)."""

    def to_representation(self, value):
        return format_iso_duration(value)


class SlaPolicySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True)
    acknowledge_within = IsoDurationField(read_only=True)
    verify_within = IsoDurationField(read_only=True)
    final_answer_within = IsoDurationField(read_only=True)
    follow_up_within = IsoDurationField(read_only=True)
    calendar = serializers.ChoiceField(choices=CalendarMode.choices, read_only=True)
    warn_ratio = serializers.FloatField(read_only=True)
    emergency_after = IsoDurationField(
        read_only=True, help_text=_("How long after a breach the emergency group is alerted.")
    )
    updated_at = serializers.DateTimeField(read_only=True)


class SlaPolicyInputSerializer(serializers.Serializer):
    """For the schema only: the service validates the body and names every bad field."""

    category = serializers.CharField(help_text=_("A category code."))
    severity = serializers.ChoiceField(choices=Severity.choices)
    acknowledge_within = serializers.CharField(required=False, help_text=_("ISO 8601 duration, e.g. P1D."))
    verify_within = serializers.CharField(required=False, help_text=_("ISO 8601 duration, e.g. P5D."))
    final_answer_within = serializers.CharField(required=False, help_text=_("ISO 8601 duration, e.g. P15D."))
    follow_up_within = serializers.CharField(required=False, help_text=_("ISO 8601 duration, e.g. P7D."))
    calendar = serializers.ChoiceField(choices=CalendarMode.choices, required=False)
    warn_ratio = serializers.FloatField(required=False, min_value=0, max_value=1)
    emergency_after = serializers.CharField(required=False, help_text=_("ISO 8601 duration, e.g. P1D."))


class SlaPolicyPatchSerializer(SlaPolicyInputSerializer):
    category = serializers.CharField(required=False, help_text=_("A category code."))
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)


class ExtensionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the case needs more time."))


class PauseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("What the case is waiting for from the customer."))
