"""Input serializers of the complaints API: the one place a request's fields are validated.

Views (and the page forms in `complaints.forms`, which run these same serializers) call
`is_valid(raise_exception=True)` and hand `validated_data` to the typed services, which check
business rules only. Error attrs are the API's dotted names (`complainant.phone`,
`actions.1.amount`) and the codes are stable: integrators and the bad-input tests rely on both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import (
    AmountField,
    StrictBooleanField,
    StrictIntegerField,
    TextField,
    reject_unknown_fields,
    storable_text,
)
from complaints import selectors
from complaints.choices import (
    AMOUNT_REQUIRED_ACTIONS,
    ActionType,
    Channel,
    CollectionChannel,
    Direction,
    Finding,
    Outcome,
    RiskFlag,
    Severity,
)
from complaints.models import Category
from complaints.models.case import RECEIVED_AT_SKEW
from complaints.services.cases import Complainant
from complaints.validators import normalise_phone, validate_id_number, validate_phone

TEXT_MAX = 10000
PERSON_FIELD_MAX = 200
REASON_MAX = 2000
RECEIVED_AT_MIN_YEAR = 1970
MAX_ACTIONS = 20


@extend_schema_field(OpenApiTypes.STR)
class CategoryField(serializers.Field):
    """A category `code` of an active category → the Category."""

    default_error_messages = {"invalid_choice": _("Unknown category “%(code)s”.")}

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None or data == "":
            self.fail("required")
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Category:
        looks_like_code = isinstance(data, str) and len(data) <= 40 and storable_text(data)
        category = selectors.category_get_active(code=data) if looks_like_code else None
        if category is None:
            self.fail("invalid_choice", code=str(data)[:50].replace("\x00", ""))
        return category

    def to_representation(self, value: Category) -> str:
        return value.code


@extend_schema_field(OpenApiTypes.DATETIME)
class ReceivedAtField(serializers.Field):
    """An ISO 8601 time with offset, after 1970, not in the future beyond the clock skew."""

    default_error_messages = {
        "invalid": _("Give an ISO 8601 date-time with offset."),
        "too_early": _("Give a receipt time after 1970."),
        "future": _("The receipt time may not lie in the future."),
    }

    def to_internal_value(self, data: Any) -> datetime:
        value = data if isinstance(data, datetime) else None
        if isinstance(data, str):
            try:
                value = parse_datetime(data)
            except ValueError:
                value = None
        if value is None:
            self.fail("invalid")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        # Year-1 dates overflow on conversion to UTC and in the repeat-complaint window.
        if value.year < RECEIVED_AT_MIN_YEAR:
            raise serializers.ValidationError(self.error_messages["too_early"], code="invalid")
        if value > timezone.now() + RECEIVED_AT_SKEW:
            self.fail("future")
        return value

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RiskFlag.choices)))
class RiskFlagsField(serializers.Field):
    """A list of risk flag codes, reported as one error on `risk_flags`."""

    default_error_messages = {
        "invalid": _("Give a list of risk flags."),
        "invalid_choice": _("Unknown risk flag: %(flags)s"),
    }

    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, list) or not all(isinstance(flag, str) for flag in data):
            self.fail("invalid")
        unknown = [flag for flag in data if flag not in RiskFlag.values]
        if unknown:
            self.fail("invalid_choice", flags=", ".join(unknown)[:200])
        return sorted(set(data))

    def to_representation(self, value: list[str]) -> list[str]:
        return list(value)


class PersonTextField(TextField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", PERSON_FIELD_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data).strip()


class ComplainantInputSerializer(serializers.Serializer):
    """The complainant: a name, and a phone or an 18-character resident ID number."""

    name = PersonTextField(help_text=_("Required."))
    phone = PersonTextField(
        help_text=_(
            "A mainland mobile (11 digits), a landline with area code, or + and an international number. "
            "Phone or ID number is required."
        )
    )
    id_number = PersonTextField(help_text=_("An 18-character resident ID with a valid check digit."))
    email = PersonTextField()

    def validate_phone(self, value: str) -> str:
        return _django_validated(normalise_phone(value), validate_phone)

    def validate_id_number(self, value: str) -> str:
        return _django_validated(value.upper(), validate_id_number)

    def validate_email(self, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise serializers.ValidationError(_("Enter a valid e-mail address."), code="invalid") from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial:
            return attrs
        errors = {}
        if not attrs.get("name"):
            errors["name"] = [serializers.ErrorDetail(str(_("The complainant's name is required.")), code="required")]
        if not attrs.get("phone") and not attrs.get("id_number"):
            errors["phone"] = [
                serializers.ErrorDetail(str(_("Give the complainant's phone or ID number.")), code="required")
            ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _django_validated(value: str, validator) -> str:
    try:
        validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages[0], code=exc.code or "invalid") from None
    return value


class ComplainantField(ComplainantInputSerializer):
    """The nested complainant; "required"/"invalid" on `complainant` itself when absent or not an object."""

    default_error_messages = {
        "required": _("Give the complainant's details."),
        "invalid": _("Give the complainant's details."),
    }


class CaseCreateSerializer(serializers.Serializer):
    """The API guide's create payload → the keyword arguments of `services.case_create`."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    category = CategoryField(help_text=_("A category code from GET /api/v1/categories/."))
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, default=Severity.NORMAL)
    summary = TextField(max_length=200)
    description = TextField(max_length=TEXT_MAX, required=False)
    received_at = ReceivedAtField(
        required=False, help_text=_("Not in the future (5 minutes of clock skew allowed); defaults to now.")
    )
    complainant = ComplainantField()
    account_reference = TextField(max_length=100, required=False)
    collection_channel = serializers.ChoiceField(
        choices=CollectionChannel.choices, required=False, allow_blank=True
    )
    risk_flags = RiskFlagsField(required=False)
    external_id = TextField(max_length=100, required=False)

    def validate_severity(self, value: str) -> Severity:
        return Severity(value or Severity.NORMAL)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "complainant" in attrs:
            attrs["complainant"] = Complainant(**attrs["complainant"])
        return attrs


class CaseUpdateSerializer(CaseCreateSerializer):
    """PATCH: any descriptive field; `state` may not be named, unknown fields are refused."""

    version = StrictIntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=_("The version you read; a stale one gives 409.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict) and "state" in data:
            raise serializers.ValidationError(
                {"state": [serializers.ErrorDetail(str(_("Change the state through a transition.")), code="read_only")]}
            )
        reject_unknown_fields(self, data)
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A partial complainant stays a dict of the keys sent; the service merges it.
        return attrs


# -- transitions -----------------------------------------------------------------------------


class StartVerificationInput(serializers.Serializer):
    assignee = StrictIntegerField(required=False, allow_null=True, help_text=_("A user id of the case's team."))


class CompleteVerificationInput(serializers.Serializer):
    finding = serializers.ChoiceField(choices=Finding.choices)
    notes = TextField(max_length=TEXT_MAX)
    override_reason = TextField(
        max_length=REASON_MAX,
        required=False,
        help_text=_("Why the finding differs from the conduct check's suggestion, when it does."),
    )


class ProposeResolutionInput(serializers.Serializer):
    customer_demand = TextField(max_length=TEXT_MAX)
    notes = TextField(max_length=TEXT_MAX, required=False)


class ResolutionActionInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=ActionType.choices)
    amount = AmountField(required=False, allow_null=True, help_text=_("Required for fee_waiver and compensation; positive."))
    detail = TextField(max_length=TEXT_MAX, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("amount", None)
        attrs.setdefault("detail", "")
        if attrs["type"] in AMOUNT_REQUIRED_ACTIONS and attrs["amount"] is None:
            raise serializers.ValidationError(
                {"amount": [serializers.ErrorDetail(str(_("An amount is required for this action.")), code="required")]}
            )
        return attrs


class ActionsField(serializers.ListField):
    default_error_messages = {
        "required": _("Record at least one resolution action."),
        "max_length": _("At most 20 actions."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=ResolutionActionInput(), **kwargs)

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        if data == [] or data is None:
            self.fail("required")
        if isinstance(data, list) and len(data) > MAX_ACTIONS:
            self.fail("max_length")
        return super().to_internal_value(data)


class ResolveInput(serializers.Serializer):
    actions = ActionsField()
    summary = TextField(max_length=TEXT_MAX)


class SatisfactionField(StrictIntegerField):
    default_error_messages = {"invalid": _("Give a whole number from 1 to 5.")}

    def to_internal_value(self, data: Any) -> int:
        value = super().to_internal_value(data)
        if not 1 <= value <= 5:
            self.fail("invalid")
        return value


class AcceptedField(StrictBooleanField):
    default_error_messages = {
        "required": _("Say whether the customer accepts (true or false)."),
        "invalid": _("Say whether the customer accepts (true or false)."),
    }


class RecordFeedbackInput(serializers.Serializer):
    satisfaction = SatisfactionField()
    accepted = AcceptedField()
    comment = TextField(max_length=TEXT_MAX, required=False)


class NotesInput(serializers.Serializer):
    notes = TextField(max_length=TEXT_MAX)


class ReasonInput(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)


TRANSITION_INPUTS: dict[str, type[serializers.Serializer]] = {
    "start_verification": StartVerificationInput,
    "complete_verification": CompleteVerificationInput,
    "propose_resolution": ProposeResolutionInput,
    "resolve": ResolveInput,
    "record_feedback": RecordFeedbackInput,
    "close": NotesInput,
    "reopen": ReasonInput,
    "withdraw": ReasonInput,
}


class VersionInput(serializers.Serializer):
    """The optional `version` of a write: a stale one gives 409."""

    version = StrictIntegerField(required=False, min_value=1, max_value=2**31 - 1)

    default_error_messages = {"invalid": _("Give the case's version number.")}


class AssigneeInput(serializers.Serializer):
    assignee = StrictIntegerField(allow_null=True, help_text=_("A user id of the case's team, or null."))


class NoteInput(serializers.Serializer):
    body = TextField(max_length=TEXT_MAX)
    internal = StrictBooleanField(required=False, default=True)


class CommunicationInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    summary = TextField(max_length=TEXT_MAX)


class PiiRevealInput(serializers.Serializer):
    reason = TextField(max_length=500, help_text=_("Why you need the data, e.g. 回访核对身份."))


class TransitionInputSerializer(serializers.Serializer):
    """For the schema only: the union of every transition's payload (which apply depends on the name)."""

    assignee = StrictIntegerField(required=False, help_text=_("start_verification: user id."))
    finding = serializers.ChoiceField(choices=Finding.choices, required=False, help_text=_("complete_verification."))
    notes = serializers.CharField(
        max_length=TEXT_MAX, required=False, help_text=_("complete_verification, close (required); propose_resolution.")
    )
    override_reason = serializers.CharField(max_length=REASON_MAX, required=False, help_text=_("complete_verification."))
    customer_demand = serializers.CharField(max_length=TEXT_MAX, required=False, help_text=_("propose_resolution."))
    actions = ResolutionActionInput(many=True, required=False, help_text=_("resolve."))
    summary = serializers.CharField(max_length=TEXT_MAX, required=False, help_text=_("resolve."))
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, help_text=_("record_feedback."))
    accepted = serializers.BooleanField(required=False, help_text=_("record_feedback."))
    comment = serializers.CharField(max_length=TEXT_MAX, required=False, help_text=_("record_feedback."))
    reason = serializers.CharField(max_length=TEXT_MAX, required=False, help_text=_("reopen, withdraw."))
    version = serializers.IntegerField(required=False, help_text=_("The version you read; a stale one gives 409."))
