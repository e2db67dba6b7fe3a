"""List filters of GET /api/v1/complaints/ (docs/api-guide.md)."""

from __future__ import annotations

import re

import django_filters
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.filters import SafeIsoDateTimeFilter, StorableCharFilter
from common.pii import blind_index
from complaints import selectors
from complaints.choices import CaseState, RiskFlag, Severity
from complaints.models import Category, ComplaintCase
from complaints.services.cases import phone_match_key
from complaints.validators import normalise_phone

# What a user types to find a case by (the start of) its reference: TS, then digits.
REFERENCE_PREFIX_RE = re.compile(r"^TS[0-9]+$", re.IGNORECASE)


class CaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CaseState.choices)
    category = django_filters.ModelChoiceFilter(
        field_name="category",
        to_field_name="code",
        queryset=Category.objects.all(),
        help_text=_("A category code."),
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    assignee = django_filters.NumberFilter(field_name="assignee_id", help_text=_("A user id."))
    team = django_filters.ModelChoiceFilter(
        field_name="team", to_field_name="code", queryset=Team.objects.all(), help_text=_("A team code.")
    )
    breached = django_filters.BooleanFilter(field_name="is_breached")
    risk_flag = django_filters.ChoiceFilter(choices=RiskFlag.choices, method="filter_risk_flag")
    received_after = SafeIsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = SafeIsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    q = StorableCharFilter(
        method="filter_text", max_length=200, help_text=_("Text in the summary, description or reference.")
    )
    # Find a customer: personal data is encrypted, so these match the blind index exactly, after
    # the normalisation the create service applies (one spelling per number).
    phone = StorableCharFilter(
        method="filter_phone", max_length=200, help_text=_("The complainant's phone number, exact.")
    )
    id_number = StorableCharFilter(
        method="filter_id_number", max_length=200, help_text=_("The complainant's ID number, exact.")
    )

    class Meta:
        model = ComplaintCase
        fields: list[str] = []

    def filter_risk_flag(self, queryset, name, value):
        if connection.vendor == "postgresql":
            return queryset.filter(risk_flags__contains=[value])
        # SQLite has no JSON containment; flags are stored as a JSON list of known codes.
        return queryset.filter(risk_flags__icontains=f'"{value}"')

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if REFERENCE_PREFIX_RE.match(value):
            return selectors.case_filter_reference_prefix(queryset, prefix=value.upper())
        return queryset.filter(
            Q(summary__icontains=value) | Q(description__icontains=value) | Q(reference__icontains=value)
        )

    def filter_phone(self, queryset, name, value):
        key = phone_match_key(normalise_phone(value.strip()))
        return queryset.filter(phone_index=blind_index(key)) if key else queryset

    def filter_id_number(self, queryset, name, value):
        key = value.strip().upper()
        return queryset.filter(id_number_index=blind_index(key)) if key else queryset
