"""Fixtures for the complaints suite."""

from __future__ import annotations

import pytest

from complaints.models import CaseEvent, ComplaintCase, Note, PiiAccessLog, ResolutionAction


@pytest.fixture
def row_counts():
    """A callable giving the row counts a write may touch, to prove nothing was half-written."""

    def counts() -> dict[str, int]:
        return {
            "cases": ComplaintCase.objects.count(),
            "events": CaseEvent.objects.count(),
            "actions": ResolutionAction.objects.count(),
            "notes": Note.objects.count(),
            "pii_log": PiiAccessLog.objects.count(),
        }

    return counts
