"""Turn case events into webhook events. Connected in `WebhooksConfig.ready()`.

The complaints services send these signals after their transaction commits, so each receiver
publishes in a transaction of its own. Payloads name the case by id and reference and carry
its codes only: never personal data. Data is built only when someone subscribes.
"""

from __future__ import annotations

from typing import Any

from complaints.selectors import case_event_facts, case_event_facts_many
from webhooks.models import EventType
from webhooks.services import event_publish, events_publish


def case_data(case_id: int) -> dict[str, Any] | None:
    """What every case event says about the case (None if it does not exist)."""
    return case_event_facts(case_id=case_id)


def on_case_created(sender, *, case_id: int, **kwargs) -> None:
    event_publish(type=EventType.CASE_CREATED, data=lambda: case_data(case_id))


def on_cases_created(sender, *, case_ids: list[int], **kwargs) -> None:
    # One `case.created` per case of the batch, as single creates would publish them.
    for case_id in case_ids:
        on_case_created(sender, case_id=case_id)


def on_case_transitioned(
    sender, *, case_id: int, transition: str, from_state: str, to_state: str, **kwargs
) -> None:
    def data() -> dict[str, Any] | None:
        case = case_data(case_id)
        if case is not None:
            case["transition"] = {"name": transition, "from": from_state, "to": to_state}
        return case

    event_publish(type=EventType.CASE_TRANSITIONED, data=data)


def on_case_escalated(
    sender, *, case_id: int, level: int, deadline_id: int | None = None, deadline_kind: str | None = None, **kwargs
) -> None:
    # The sender names the deadline's kind (the timers app owns deadlines; webhooks reads none).
    escalation = {"level": level, "deadline_id": deadline_id, "deadline_kind": deadline_kind}
    event_publish(type=EventType.CASE_ESCALATED, data=lambda: _escalated(case_data(case_id), escalation))


def on_cases_escalated(sender, *, escalations: list[dict[str, Any]], **kwargs) -> None:
    # One `case.escalated` per step of the sweep batch, as single sends publish them; the cases
    # are read once for the batch, and only when someone subscribes.
    def data() -> list[dict[str, Any] | None]:
        cases = case_event_facts_many(case_ids=list({e["case_id"] for e in escalations}))
        return [_escalated(cases.get(e["case_id"]), e) for e in escalations]

    events_publish(type=EventType.CASE_ESCALATED, data=data)


def _escalated(case: dict[str, Any] | None, escalation: dict[str, Any]) -> dict[str, Any] | None:
    if case is None:
        return None
    keys = ("level", "deadline_id", "deadline_kind")
    return {**case, "escalation": {key: escalation.get(key) for key in keys}}
