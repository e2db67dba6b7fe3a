"""Strict input fields shared by every API input serializer and the forms built on them.

DRF's fields are lenient where ours must not be: a number is not text, `"true"` is not a
boolean, and text with a NUL character or a lone UTF-16 surrogate (valid JSON, but no database
can store it) must be a 400 naming the field, never a 500.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# A lone surrogate survives json.loads but not the database's UTF-8 encoding.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> bool:
    """True when `value` holds no NUL character and no lone surrogate."""
    return _UNSTORABLE.search(value) is None


class TextField(serializers.CharField):
    """Text as sent (not trimmed); required means present and not empty or only spaces."""

    default_error_messages = {
        "invalid": _("Must be text."),
        "unstorable": _("Must not contain NUL characters or broken Unicode."),
        "blank": _("This field may not be blank."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("allow_blank", not kwargs.get("required", True))
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # CharField reports "" as blank before anything else; an empty required text is missing.
        if data is None or data == "":
            if self.required:
                self.fail("required")
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if not storable_text(data):
            raise serializers.ValidationError(self.error_messages["unstorable"], code="invalid")
        if self.required and not data.strip():
            self.fail("blank")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (not a string, a float or a boolean)."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false (not 1, "yes" or "true")."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field(OpenApiTypes.DECIMAL)
class AmountField(serializers.Field):
    """A positive amount of money with at most two decimals, sent as a string or a number."""

    default_error_messages = {"invalid": _("Give a positive amount with at most two decimals.")}
    MAX = Decimal("1e10")

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        try:
            amount = Decimal(str(data))
        except (InvalidOperation, ValueError):
            self.fail("invalid")
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or amount <= 0 or not isinstance(exponent, int) or exponent < -2:
            self.fail("invalid")
        if amount >= self.MAX:
            self.fail("invalid")
        return amount

    def to_representation(self, value: Decimal) -> str:
        return f"{value:.2f}"


def reject_unknown_fields(serializer: serializers.Serializer, data: Any, *, code: str = "unknown_field") -> None:
    """Refuse keys the serializer does not declare (a typo must not be silently ignored)."""
    if not isinstance(data, dict):
        return
    unknown = sorted(set(data) - set(serializer.fields))
    if unknown:
        raise serializers.ValidationError(
            {key: [serializers.ErrorDetail(str(_("This field cannot be changed.")), code=code)] for key in unknown}
        )
