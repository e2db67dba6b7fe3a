"""Page test helpers: a logged-in Django test client per user, and cases of two teams."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.models import CaseEvent, ComplaintCase, Note, ResolutionAction
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _clean_page_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login():
    """`login(user)` → a Client with that user's session (no password round trip)."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def case_a(agent):
    return make_case(actor=agent)


@pytest.fixture
def case_b(agent_b):
    return make_case(actor=agent_b, complainant={"name": "李四", "phone": "13900005678"})


@pytest.fixture
def row_counts():
    def counts() -> dict[str, int]:
        return {
            "cases": ComplaintCase.objects.count(),
            "events": CaseEvent.objects.count(),
            "actions": ResolutionAction.objects.count(),
            "notes": Note.objects.count(),
        }

    return counts
