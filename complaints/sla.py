"""A case's SLA terms, the deadline times they give, and ISO 8601 durations.

- `SlaTerms`: the durations a case is held to — its SLA policy's values, frozen on the case at
  creation (`ComplaintCase.sla_terms`), because a policy applies to cases created after it is
  saved; `case_sla_terms` reads them back.
- `case_deadline_open` / `case_sla_start`: a case deadline (a `timers.Deadline` on the case) due
  its term after the start, in calendar or working days, warned at `warn_ratio` of the span.
  The escalation ladder that follows is `complaints.escalation.case_level_times`.
- `parse_iso_duration` / `format_iso_duration`: durations as the API writes them (`P15D`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_duration

from complaints.choices import DeadlineKind
from complaints.models import ComplaintCase, SlaPolicy
from timers import services as timers
from timers.calendar import add_duration
from timers.models import Deadline

logger = logging.getLogger(__name__)

# The 2020 rule for Chinese banks and insurers: a decision within 15 days, a complex case to
# 30 days after receipt, a particularly complex one a further 30 days.
DEFAULT_FINAL_ANSWER = timedelta(days=15)

DURATION_FIELDS = ("acknowledge_within", "verify_within", "final_answer_within", "follow_up_within")
POLICY_FIELDS = (*DURATION_FIELDS, "calendar", "warn_ratio", "emergency_after")


@dataclass(frozen=True)
class SlaTerms:
    """The durations a case is held to (a policy's values, frozen at case creation)."""

    acknowledge_within: timedelta
    verify_within: timedelta
    final_answer_within: timedelta
    follow_up_within: timedelta
    calendar: str
    warn_ratio: float
    emergency_after: timedelta
    policy_id: int | None = None

    def within(self, kind: str) -> timedelta:
        value: timedelta = getattr(self, f"{kind}_within")
        return value

    def to_json(self) -> dict[str, Any]:
        data = _flat(self)
        for key, value in data.items():
            if isinstance(value, timedelta):
                data[key] = value.total_seconds()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SlaTerms:
        values = {}
        for key, fallback in _default_terms().items():
            raw = data.get(key, fallback)
            if isinstance(fallback, timedelta):
                raw = timedelta(seconds=float(raw)) if isinstance(raw, int | float) else fallback
            values[key] = raw
        return cls(**values)

    @classmethod
    def from_policy(cls, policy: SlaPolicy) -> SlaTerms:
        return cls(policy_id=policy.pk, **{f: getattr(policy, f) for f in POLICY_FIELDS})


def _flat(terms: SlaTerms) -> dict[str, Any]:
    # Every field is a scalar or a timedelta: `dataclasses.asdict` would deep-copy each one.
    return {field.name: getattr(terms, field.name) for field in fields(terms)}


@cache
def _default_terms() -> dict[str, Any]:
    """The policy model's field defaults as terms, for keys a stored copy lacks (built once:
    an `SlaPolicy()` on every create cost more than the rest of reading the terms)."""
    return _flat(SlaTerms.from_policy(SlaPolicy()))


def case_sla_terms(case: ComplaintCase) -> SlaTerms:
    """The terms a case is held to: its creation-time copy, else today's policy."""
    from complaints.selectors import sla_policy_for

    if case.sla_terms:
        return SlaTerms.from_json(case.sla_terms)
    return SlaTerms.from_policy(sla_policy_for(category=case.category_id, severity=case.severity))


def case_sla_terms_freeze(*, case: ComplaintCase) -> None:
    """Copy the current policy's terms onto a case about to be inserted (no write of its own)."""
    from complaints.selectors import sla_policy_for

    policy = sla_policy_for(category=case.category_id, severity=case.severity)
    case.sla_terms = SlaTerms.from_policy(policy).to_json()


def warn_time(started_at: datetime, due_at: datetime, ratio: float) -> datetime:
    return started_at + (due_at - started_at) * ratio


def _spec(terms: SlaTerms, kind: str, started_at: datetime, due_at: datetime | None) -> timers.DeadlineSpec:
    if due_at is None:
        due_at = add_duration(started_at, terms.within(kind), terms.calendar)
    return timers.DeadlineSpec(
        kind=kind, started_at=started_at, due_at=due_at, warn_at=warn_time(started_at, due_at, terms.warn_ratio)
    )


def case_deadline_open(
    *,
    case: ComplaintCase,
    kind: str,
    started_at: datetime | None = None,
    due_at: datetime | None = None,
    replace: bool = True,
) -> Deadline:
    """Open a pending deadline of `kind` on the case (call inside the caller's transaction).

    `due_at` defaults to the case's terms for `kind` from `started_at` (default: now); an open
    deadline of the same kind is replaced.
    """
    spec = _spec(case_sla_terms(case), kind, started_at or timezone.now(), due_at)
    return timers.deadline_open(
        subject=case, kind=spec.kind, started_at=spec.started_at, due_at=spec.due_at, warn_at=spec.warn_at,
        replace=replace,
    )


def case_sla_start(*, case: ComplaintCase) -> list[Deadline]:
    """Open a new case's acknowledge and final-answer deadlines on its frozen terms, in one INSERT; returns them.

    Both count from receipt (`received_at`), as the regulation does.
    """
    terms = case_sla_terms(case)
    return timers.deadlines_open(
        subject=case,
        specs=[_spec(terms, kind, case.received_at, None) for kind in (DeadlineKind.ACKNOWLEDGE, DeadlineKind.FINAL_ANSWER)],
        replace=False,
    )


def parse_iso_duration(value: Any) -> timedelta | None:
    """An ISO 8601 duration (`P15D`, `PT30S`, `P1DT12H`) or None if it is not one."""
    if not isinstance(value, str) or not value.startswith(("P", "-P", "+P")):
        return None
    try:
        return parse_duration(value)
    except (ValueError, OverflowError):
        return None


def format_iso_duration(value: timedelta) -> str:
    """The shortest ISO 8601 form: 15 days → `P15D`, 30 s → `PT30S`, 0 → `PT0S`."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    days = value.days
    seconds = value.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    micro = value.microseconds
    date_part = f"{days}D" if days else ""
    time_part = ""
    if hours:
        time_part += f"{hours}H"
    if minutes:
        time_part += f"{minutes}M"
    if secs or micro:
        time_part += f"{secs}.{micro:06d}".rstrip("0").rstrip(".") + "S"
    if not date_part and not time_part:
        return "PT0S"
    return f"{sign}P{date_part}" + (f"T{time_part}" if time_part else "")
