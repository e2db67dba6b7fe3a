"""The case timeline writer: every timeline row (the audit log) is written here.

Callers are the case services, the deadline sweep, attachments and later apps (contingency,
conduct), always inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from common.bulk import insert_rows
from complaints.models import CaseEvent, ComplaintCase

SUMMARY_MAX = 500


def case_event_record(
    *,
    case: ComplaintCase,
    kind: str,
    actor: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
) -> CaseEvent:
    """Append one entry to the case's timeline (call inside the caller's transaction)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        summary=str(summary)[:SUMMARY_MAX],
        data=data or {},
        transition=transition,
        from_state=from_state,
        to_state=to_state,
    )


@dataclass(frozen=True)
class EventRow:
    """One timeline entry for `case_events_record_bulk` (cases by id: the sweep has no instances)."""

    case_id: int
    kind: str
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    actor_id: int | None = None


def case_events_record_bulk(rows: Iterable[EventRow], *, at: datetime | None = None) -> list[int]:
    """Append many timeline entries in one INSERT (the escalation sweep's batches)."""
    at = at or timezone.now()
    return insert_rows(
        CaseEvent,
        ["case_id", "kind", "at", "actor_id", "transition", "from_state", "to_state", "summary", "data"],
        [
            (row.case_id, str(row.kind), at, row.actor_id, "", "", "", str(row.summary)[:SUMMARY_MAX], row.data)
            for row in rows
        ],
    )
