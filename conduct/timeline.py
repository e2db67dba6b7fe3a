"""The one place this app writes to a case's timeline, through the complaints app's seam."""

from __future__ import annotations

from complaints import services as case_services

CONDUCT_CHECK = "conduct_check"


def timeline_record(*, case, actor, summary: str, data: dict) -> None:
    """A `conduct_check` entry on the case's timeline (inside the caller's transaction)."""
    record = getattr(case_services, "case_event_record", None) or case_services.case_timeline_record
    record(case=case, kind=CONDUCT_CHECK, actor=actor, summary=summary, data=data)
