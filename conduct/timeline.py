"""The one place this app writes to a case's timeline, through the complaints app's writer."""

from __future__ import annotations

from complaints.choices import EventKind
from complaints.services import case_event_record


def timeline_record(*, case, actor, summary: str, data: dict) -> None:
    """A `conduct_check` entry on the case's timeline (inside the caller's transaction)."""
    case_event_record(case=case, kind=EventKind.CONDUCT_CHECK, actor=actor, summary=summary, data=data)
