"""Fields and base classes of the contingency API's serializers: ISO 8601 durations, unknown keys refused."""

from __future__ import annotations

from datetime import timedelta

from django.utils.dateparse import parse_duration
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.selectors import category_get_by_code

MAX_DURATION = timedelta(days=366)


def format_iso_duration(seconds: int | float | None) -> str | None:
    """Seconds as the shortest ISO 8601 duration (`PT4H`, `P1DT2H`)."""
    if seconds is None:
        return None
    value = timedelta(seconds=seconds)
    days, rest = value.days, value.seconds
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time_part = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    if not days and not time_part:
        return "PT0S"
    return (f"P{days}D" if days else "P") + (f"T{time_part}" if time_part else "")


@extend_schema_field(OpenApiTypes.STR)
class IsoDurationField(serializers.Field):
    """An ISO 8601 duration (`PT4H`, `P1D`) in, seconds out to the service; rendered back as ISO."""

    default_error_messages = {
        "invalid": _("Give an ISO 8601 duration such as PT4H or P1D."),
        "range": _("Give a duration above zero and at most a year."),
    }

    def to_internal_value(self, data) -> int:
        if not isinstance(data, str) or not data.startswith("P"):
            self.fail("invalid")
        try:
            value = parse_duration(data)
        except (ValueError, OverflowError):
            value = None
        if value is None:
            self.fail("invalid")
        if not timedelta(0) < value <= MAX_DURATION:
            self.fail("range")
        return int(value.total_seconds())

    def to_representation(self, value) -> str | None:
        return format_iso_duration(value)


class _RejectUnknown:
    """Unknown keys are a 400 naming them (with every other bad field), not silently dropped."""

    def to_internal_value(self, data):
        unknown = sorted(str(k) for k in set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors: dict = {}
        value = None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        for key in unknown:
            errors[key] = [serializers.ErrorDetail(_("Unknown field."), code="unknown_field")]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictSerializer(_RejectUnknown, serializers.Serializer):
    pass


class NestedStrict(_RejectUnknown, serializers.Serializer):
    pass


@extend_schema_field(OpenApiTypes.STR)
class CategoryCodeField(serializers.Field):
    default_error_messages = {"invalid_choice": _("Unknown category “{code}”.")}

    def to_internal_value(self, data):
        valid = isinstance(data, str) and 0 < len(data) <= 60 and "\x00" not in data
        category = category_get_by_code(code=data) if valid else None
        if category is None:
            self.fail("invalid_choice", code=str(data)[:60])
        return category

    def to_representation(self, value):
        return value.code if value else None
