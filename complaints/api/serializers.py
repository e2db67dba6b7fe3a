"""Output shapes of the complaints API (inputs: `complaints.api.inputs`).

Personal data is always the masked text form of `common.pii.Sensitive`, never its clear value.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints import selectors
from complaints.choices import (
    CaseState,
    Channel,
    CollectionChannel,
    DeadlineKind,
    DeadlineState,
    Direction,
    EventKind,
    Finding,
    Outcome,
    RiskFlag,
    Severity,
)
from complaints.services import TRANSITIONS

# -- output ---------------------------------------------------------------------------------


class MaskedComplainantSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, case) -> str:
        return str(case.complainant_name)

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, case) -> str:
        return str(case.complainant_phone)

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, case) -> str:
        return str(case.complainant_id_number)

    @extend_schema_field(OpenApiTypes.STR)
    def get_email(self, case) -> str:
        return str(case.complainant_email)


class CaseDeadlineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeadlineKind.choices)
    due_at = serializers.DateTimeField()
    warn_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=DeadlineState.choices)
    breached = serializers.BooleanField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class CaseSerializer(serializers.Serializer):
    """A case as returned by GET, create, PATCH and transitions."""

    id = serializers.IntegerField()
    reference = serializers.CharField(allow_null=True)
    state = serializers.ChoiceField(choices=CaseState.choices)
    category = serializers.CharField(source="category.code")
    severity = serializers.ChoiceField(choices=Severity.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    summary = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    complainant = MaskedComplainantSerializer(source="*")
    account_reference = serializers.SerializerMethodField()
    collection_channel = serializers.ChoiceField(choices=CollectionChannel.choices, allow_blank=True)
    risk_flags = serializers.ListField(child=serializers.ChoiceField(choices=RiskFlag.choices))
    external_id = serializers.CharField(allow_blank=True)
    assignee = UserRefSerializer(allow_null=True)
    team = serializers.CharField(source="team.code")
    escalation_level = serializers.IntegerField()
    is_repeat = serializers.BooleanField()
    is_breached = serializers.BooleanField()
    extension_count = serializers.IntegerField()
    verification_finding = serializers.ChoiceField(choices=Finding.choices, allow_blank=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    accepted = serializers.BooleanField(allow_null=True)
    deadlines = CaseDeadlineSerializer(many=True, source="deadlines.all")
    available_transitions = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_account_reference(self, case) -> str:
        return str(case.account_reference)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=sorted(TRANSITIONS))))
    def get_available_transitions(self, case) -> list[str]:
        return selectors.case_available_transitions(case=case, user=self.context["request"].user)

    def to_representation(self, case) -> dict:
        """What the declared fields render (tests/api/test_case_representation.py compares the two
        on cases in every state), written out: DRF deep-copies the 31 fields, their choices and
        the nested serializers for every instance it renders, ~4 ms of every create's answer."""
        assignee = case.assignee
        return {
            "id": case.id,
            "reference": case.reference,
            "state": _choice(case.state),
            "category": case.category.code,
            "severity": _choice(case.severity),
            "channel": _choice(case.channel),
            "summary": case.summary,
            "description": case.description,
            "complainant": {
                "name": str(case.complainant_name),
                "phone": str(case.complainant_phone),
                "id_number": str(case.complainant_id_number),
                "email": str(case.complainant_email),
            },
            "account_reference": str(case.account_reference),
            "collection_channel": _choice(case.collection_channel),
            "risk_flags": [_choice(flag) for flag in case.risk_flags],
            "external_id": case.external_id,
            "assignee": None if assignee is None else {
                "id": assignee.pk, "username": assignee.username, "name": str(assignee),
            },
            "team": case.team.code,
            "escalation_level": case.escalation_level,
            "is_repeat": case.is_repeat,
            "is_breached": case.is_breached,
            "extension_count": case.extension_count,
            "verification_finding": _choice(case.verification_finding),
            "satisfaction": case.satisfaction,
            "accepted": case.accepted,
            "deadlines": [
                {
                    "kind": _choice(deadline.kind),
                    "due_at": _datetime(deadline.due_at),
                    "warn_at": _datetime(deadline.warn_at),
                    "state": _choice(deadline.state),
                    "breached": deadline.breached,
                }
                for deadline in case.deadlines.all()
            ],
            "available_transitions": self.get_available_transitions(case),
            "version": case.version,
            "received_at": _datetime(case.received_at),
            "resolved_at": _datetime(case.resolved_at),
            "closed_at": _datetime(case.closed_at),
            "created_at": _datetime(case.created_at),
            "updated_at": _datetime(case.updated_at),
        }


# An unbound field renders a time as every DateTimeField does (ISO 8601 in the current time zone).
_datetime = serializers.DateTimeField().to_representation


def _choice(value):
    """A ChoiceField's output: the code as a plain string (a TextChoices member gives its value)."""
    return value if value in ("", None) else str(value)


class PiiSerializer(serializers.Serializer):
    """Unmasked personal data (GET .../pii/ only)."""

    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    account_reference = serializers.CharField(allow_blank=True)


class TimelineEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    at = serializers.DateTimeField()
    actor = UserRefSerializer(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    data = serializers.DictField(
        help_text=_("Details of the entry; for transitions the name, states and payload.")
    )

    def to_representation(self, event):
        data = super().to_representation(event)
        if event.transition:
            data["data"] = {
                "transition": event.transition,
                "from": event.from_state,
                "to": event.to_state,
                **data["data"],
            }
        return data


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    internal = serializers.BooleanField()
    author = UserRefSerializer()
    created_at = serializers.DateTimeField()


class CommunicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    summary = serializers.CharField()
    actor = UserRefSerializer()
    created_at = serializers.DateTimeField()


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


