"""Shapes of the SLA endpoints (docs/api-guide.md "Categories and SLA policies", extensions, pauses).

The input serializers are the request validation: each bad field is named with the code the
API has always answered (`invalid`, `invalid_choice`, `required`, `min_value`, `max_value`,
`max_length`, `unknown_field`); the services get typed values and check business rules only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from complaints.choices import CalendarMode, Severity
from complaints.models import Category
from complaints.sla import format_iso_duration, parse_iso_duration

REQUIRED: dict[str, Any] = {"required": gettext_lazy("This field is required.")}
# Generous upper bound that keeps date arithmetic far from overflow.
MAX_POLICY_DURATION = timedelta(days=366)
REASON_MAX = 2000


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(ErrorDetail(str(message), code=code))


@extend_schema_field(OpenApiTypes.STR)
class IsoDurationField(serializers.Field):
    """A timedelta written as an ISO 8601 duration (`P15D`, `PT4H`); the output is the shortest form.

    `positive`: zero and negative are refused as `min_value`; otherwise negative is `max_value`
    like anything above 366 days.
    """

    def __init__(self, *, positive: bool = True, **kwargs: Any) -> None:
        self.positive = positive
        super().__init__(**kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            raise _error(_("Give an ISO 8601 duration such as P15D or PT4H."), "invalid")
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> timedelta:
        duration = parse_iso_duration(data)
        if duration is None:
            raise _error(_("Give an ISO 8601 duration such as P15D or PT4H."), "invalid")
        if self.positive and duration <= timedelta(0):
            raise _error(_("The duration must be positive."), "min_value")
        if duration < timedelta(0) or duration > MAX_POLICY_DURATION:
            raise _error(_("The duration must lie between zero and 366 days."), "max_value")
        return duration

    def to_representation(self, value: timedelta) -> str:
        return format_iso_duration(value)


class StrictChoiceField(serializers.ChoiceField):
    """A choice given exactly by its code. `blank_is_missing`: null and "" are `required`."""

    def __init__(self, *, blank_is_missing: bool = False, **kwargs: Any) -> None:
        self.blank_is_missing = blank_is_missing
        super().__init__(**kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if self.blank_is_missing and data in (None, ""):
            self.fail("required")
        if data is None:
            raise self._invalid(data)
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.choices:
            raise self._invalid(data)
        return data

    def _invalid(self, data: Any) -> ValidationError:
        return _error(_("“%(value)s” is not a valid choice.") % {"value": data}, "invalid_choice")


@extend_schema_field(OpenApiTypes.STR)
class CategoryCodeField(serializers.Field):
    """A category by its code; null and "" are `required`."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data in (None, ""):
            self.fail("required")
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Category:
        category = Category.objects.filter(code=data).first() if isinstance(data, str) else None
        if category is None:
            raise _error(_("Unknown category “%(code)s”.") % {"code": data}, "invalid_choice")
        return category

    def to_representation(self, value: Category) -> str:
        return value.code


@extend_schema_field(OpenApiTypes.FLOAT)
class WarnRatioField(serializers.Field):
    """A number strictly between 0 and 1 (a JSON number, not a string or a boolean)."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            raise self._invalid()
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float) or not 0 < data < 1:
            raise self._invalid()
        return float(data)

    def to_representation(self, value: float) -> float:
        return value

    def _invalid(self) -> ValidationError:
        return _error(_("Give a number between 0 and 1 (exclusive)."), "invalid")


@extend_schema_field(OpenApiTypes.STR)
class ReasonField(serializers.Field):
    """Free text of at most 2000 characters, required and not blank; given back stripped."""

    def __init__(self, *, missing: str | StrPromise, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})["required"] = missing
        super().__init__(**kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None or (isinstance(data, str) and not data.strip()):
            self.fail("required")
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or "\x00" in data:
            raise _error(_("Must be text."), "invalid")
        if len(data) > REASON_MAX:
            raise _error(
                _("Ensure this field has no more than %(n)d characters.") % {"n": REASON_MAX}, "max_length"
            )
        return data.strip()


class StrictSerializer(serializers.Serializer):
    """Names every field it does not know (`unknown_field`), together with the bad known ones."""

    ignored_fields: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        value: dict[str, Any] = {}
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:
            if not isinstance(exc.detail, Mapping):
                raise
            errors = dict(exc.detail)
        if isinstance(data, Mapping):
            for key in sorted(set(data) - set(self.fields) - self.ignored_fields):
                errors[key] = [ErrorDetail(_("This field cannot be set."), code="unknown_field")]
        if errors:
            raise ValidationError(errors)
        return value


# -- output --------------------------------------------------------------------------------


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
        read_only=True, help_text=gettext_lazy("How long after a breach the emergency group is alerted.")
    )
    updated_at = serializers.DateTimeField(read_only=True)


# -- input ---------------------------------------------------------------------------------


class SlaPolicyInputSerializer(StrictSerializer):
    """A new policy; unset durations take the defaults. `id` is accepted and ignored."""

    ignored_fields = frozenset({"id"})

    category = CategoryCodeField(error_messages=REQUIRED, help_text=gettext_lazy("A category code."))
    severity = StrictChoiceField(choices=Severity.choices, blank_is_missing=True, error_messages=REQUIRED)
    acknowledge_within = IsoDurationField(required=False, help_text=gettext_lazy("ISO 8601 duration, e.g. P1D."))
    verify_within = IsoDurationField(required=False, help_text=gettext_lazy("ISO 8601 duration, e.g. P5D."))
    final_answer_within = IsoDurationField(
        required=False, help_text=gettext_lazy("ISO 8601 duration, e.g. P15D.")
    )
    follow_up_within = IsoDurationField(required=False, help_text=gettext_lazy("ISO 8601 duration, e.g. P7D."))
    calendar = StrictChoiceField(choices=CalendarMode.choices, required=False)
    warn_ratio = WarnRatioField(required=False)
    emergency_after = IsoDurationField(
        positive=False, required=False, help_text=gettext_lazy("ISO 8601 duration, e.g. P1D.")
    )


class SlaPolicyPatchSerializer(SlaPolicyInputSerializer):
    """Some fields of a policy (validate with `partial=True`)."""


class ExtensionInputSerializer(serializers.Serializer):
    reason = ReasonField(
        missing=gettext_lazy("Give the reason for the extension."),
        help_text=gettext_lazy("Why the case needs more time."),
    )


class PauseInputSerializer(serializers.Serializer):
    reason = ReasonField(
        missing=gettext_lazy("Give the reason for the pause."),
        help_text=gettext_lazy("What the case is waiting for from the customer."),
    )
