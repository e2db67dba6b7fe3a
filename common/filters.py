"""Query-parameter filters that refuse what the database cannot take, as a 400 naming the parameter.

A NUL character or a lone surrogate in a text parameter, or a date-time offset PostgreSQL
cannot hold (beyond ±15:59), reached the database and came back as a 500; these fields refuse
them while the filter set validates.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.serializers import storable_text

# PostgreSQL's limit for a time-zone displacement.
MAX_OFFSET = timedelta(hours=15, minutes=59)


def validate_storable(value: Any) -> None:
    if isinstance(value, str) and not storable_text(value):
        raise ValidationError(_("Must not contain NUL characters or broken Unicode."), code="invalid")


class StorableCharField(forms.CharField):
    default_validators = [validate_storable]

    def to_python(self, value: Any) -> str:
        # Validate before stripping: strip() must not hide a NUL at the end.
        validate_storable(value)
        return super().to_python(value)  # type: ignore[return-value]  # empty_value is "" here


class StorableCharFilter(django_filters.CharFilter):
    field_class = StorableCharField


class StoredRangeDateTimeField(forms.DateTimeField):
    """An ISO 8601 date-time with an offset PostgreSQL can hold (at most ±15:59)."""

    default_error_messages = {"range": _("Give a date-time with an offset of at most 15:59 hours.")}

    def to_python(self, value: Any) -> datetime | None:
        validate_storable(value)
        result = super().to_python(value)
        if result is None:
            return None
        offset = result.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise ValidationError(self.error_messages["range"], code="invalid")
        return result


class IsoDateTimeField(StoredRangeDateTimeField, django_filters.fields.IsoDateTimeField):
    """django-filter's ISO 8601 parsing with the stored-range check."""


class SafeIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField
