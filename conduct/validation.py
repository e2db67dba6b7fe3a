"""Validation of contact rows, shared by the JSON import and the CSV upload (same columns, same checks).

Errors name the row the way docs/api-guide.md does: `contacts[17].at` for the API, `rows[17].at` for a CSV
(rows counted from 0, the header not counted), every bad row at once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from common.exceptions import ValidationFailed
from conduct.choices import ContactChannel, ContactDirection, ContactOutcome, ContactParty

MAX_ROWS = 5000  # docs/api-guide.md: up to 5,000 rows a request
FUTURE_SKEW = timedelta(minutes=5)
MIN_YEAR = 1970
NUMBER_RE = re.compile(r"^\+?\d{3,20}$")
_NUMBER_NOISE = re.compile(r"[\s\-()]")
NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "detail"}
# The API's column names, in the order a CSV template lists them.
COLUMNS = (
    "source_id",
    "account_reference",
    "at",
    "channel",
    "direction",
    "outcome",
    "party",
    "contacted_number",
    "consented_contact",
    "collector",
    "agency",
    "collectors_present",
    "recording_ref",
)
REQUIRED_COLUMNS = ("source_id", "at", "channel", "direction", "outcome", "party", "collector")


def number_match_key(number: str) -> str:
    """One spelling per number for the blind index: no spaces or hyphens, mainland +86 dropped."""
    key = _NUMBER_NOISE.sub("", number)
    if key.startswith("+86") and len(key) == 14 and key[3] == "1":
        return key[3:]
    return key


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its offset: a naive time is ambiguous evidence."""

    default_error_messages = {
        "missing_offset": _("Give an ISO 8601 date-time with offset, e.g. 2026-11-03T22:05:00+08:00."),
        "out_of_range": _("Give a time after 1970 and not in the future."),
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            if "\x00" in value:
                self.fail("invalid", format="ISO 8601")
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("missing_offset")
        elif isinstance(value, datetime) and timezone.is_naive(value):
            self.fail("missing_offset")
        try:
            result = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if result.year < MIN_YEAR or result > timezone.now() + FUTURE_SKEW:
            self.fail("out_of_range")
        return result


class ContactNumberField(serializers.CharField):
    default_error_messages = {"invalid_number": _("Give a phone number: digits, optionally a leading +.")}

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value and not NUMBER_RE.match(number_match_key(value)):
            self.fail("invalid_number")
        return value


class ContactRowSerializer(serializers.Serializer):
    """One contact record as the collection system sends it (docs/api-guide.md)."""

    source_id = serializers.CharField(max_length=100, help_text="The collection system's own id, unique per client.")
    account_reference = serializers.CharField(max_length=100, help_text="Personal data: stored encrypted.")
    at = OffsetDateTimeField(help_text="When the contact started, ISO 8601 with offset.")
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    direction = serializers.ChoiceField(choices=ContactDirection.choices)
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    party = serializers.ChoiceField(choices=ContactParty.choices)
    contacted_number = ContactNumberField(
        max_length=30, required=False, allow_blank=True, default="", help_text="Personal data: stored encrypted."
    )
    consented_contact = serializers.BooleanField(
        required=False, default=False, help_text="The customer agreed to be contacted at this time."
    )
    collector = serializers.CharField(max_length=100)
    agency = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    collectors_present = serializers.IntegerField(min_value=1, max_value=50, required=False, allow_null=True, default=None)
    recording_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactBatchSerializer(serializers.Serializer):
    """`{"contacts": [...]}`, up to 5,000 rows."""

    contacts = ContactRowSerializer(many=True, allow_empty=False, max_length=MAX_ROWS)  # type: ignore[call-arg]


def _flatten(detail: Any, attr: str | None, out: dict[str, list[tuple[str, str]]]) -> None:
    if isinstance(detail, dict) and set(detail) == {"message", "code"}:
        out.setdefault(attr or "non_field_errors", []).append((str(detail["code"]), str(detail["message"])))
    elif isinstance(detail, dict):
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                _flatten(value, attr, out)
            elif isinstance(key, int):  # a list's bad rows, keyed by index
                _flatten(value, f"{attr}[{key}]", out)
            else:
                _flatten(value, f"{attr}.{key}" if attr else str(key), out)
    elif isinstance(detail, list):
        rows = any(isinstance(v, dict) and set(v) != {"message", "code"} for v in detail)
        for index, value in enumerate(detail):
            _flatten(value, f"{attr}[{index}]" if rows else attr, out)


def _bracketed(detail: Any) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    _flatten(detail, None, out)
    return out


def contact_rows_validate(data: Any, *, root: str = "contacts") -> list[dict]:
    """The validated rows of `{root: [...]}`, or ValidationFailed naming every bad row's fields
    (`contacts[17].at`); a `source_id` given twice in one batch is refused on its second row."""
    if not isinstance(data, dict):
        raise ValidationFailed.single(root, "invalid", str(_("Send a JSON object with a list of contacts.")))
    batch = ContactBatchSerializer(data={"contacts": data[root]} if root in data else {})
    try:
        batch.is_valid(raise_exception=True)
    except serializers.ValidationError as exc:
        errors = _bracketed(exc.get_full_details())
        raise ValidationFailed(
            {(root + attr[len("contacts"):] if attr.startswith("contacts") else attr): items
             for attr, items in errors.items()}
        ) from None
    rows = batch.validated_data["contacts"]
    seen: set[str] = set()
    duplicates: dict[str, list[tuple[str, str]]] = {}
    for index, row in enumerate(rows):
        if row["source_id"] in seen:
            duplicates[f"{root}[{index}].source_id"] = [("duplicate", str(_("This source_id is already in the batch.")))]
        seen.add(row["source_id"])
    if duplicates:
        raise ValidationFailed(duplicates)
    return rows
