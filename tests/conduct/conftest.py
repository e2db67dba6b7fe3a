"""Fixtures for the conduct suite: a collection-conduct case and contacts on its account."""

from __future__ import annotations

import pytest

from conduct import services
from conduct.validation import contact_rows_validate
from tests.api.conftest import api, case_url, error_codes  # noqa: F401  (fixtures and helpers)
from tests.factories import make_case


@pytest.fixture
def conduct_case(agent):
    """A collection-conduct case of team A, received 2026-11-28 on account LN-2024-88812."""
    return make_case(actor=agent, received_at="2026-11-28T10:00:00+08:00")


@pytest.fixture
def store(callcenter):
    """`store(rows)` imports API-shaped rows as the call-center client, through the real validation."""

    def run(rows, *, actor=None):
        validated = contact_rows_validate({"contacts": rows})
        return services.contacts_import(actor=actor or callcenter, rows=validated)

    return run
