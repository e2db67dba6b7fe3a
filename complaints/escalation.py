"""The escalation sweep: fires the SLA ladder on deadlines that fall due.

Ladder per deadline: warn the assignee at `warn_at`, escalate to the team's supervisors at
`due_at` (breach), to the emergency group (users in the emergency roles) `emergency_after`
later — at once for critical cases.

How it stays correct with many workers, retries and crashes:
- A batch claims due rows with SELECT … FOR UPDATE SKIP LOCKED and commits per batch, so two
  sweeps never take the same row, and a killed worker's uncommitted batch rolls back and stays
  due for the next sweep.
- Each step is an `EscalationStep` row; its unique (deadline, level) constraint is the final
  guard. Steps are inserted with ON CONFLICT DO NOTHING RETURNING, and only the rows actually
  inserted get a timeline entry, notifications and the `case_escalated` signal.
- The sweep costs what is due, not what is open: the claim reads the partial index
  `deadline_due_sweep` on `next_check_at`, and each batch does a constant number of queries.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from complaints import signals
from complaints.choices import OPEN_STATES, DeadlineKind, DeadlineState, EventKind, Severity
from complaints.models import ComplaintCase, Deadline, EscalationStep, SlaPolicy
from complaints.services.events import EventRow, case_events_record_bulk
from notifications.models import Channel
from notifications.services import Message, notify_bulk

logger = logging.getLogger(__name__)
User = get_user_model()
Level = EscalationStep.Level

BATCH_SIZE = 500
# A sweep stops claiming new batches after this; the next beat run carries on.
TIME_BUDGET_SECONDS = 60.0

EVENT_KIND = {
    Level.WARN: EventKind.DEADLINE_WARNING,
    Level.SUPERVISOR: EventKind.DEADLINE_BREACH,
    Level.EMERGENCY: EventKind.ESCALATION,
}
CHANNELS = {
    Level.WARN: (Channel.INAPP, Channel.EMAIL),
    Level.SUPERVISOR: (Channel.INAPP, Channel.EMAIL),
    Level.EMERGENCY: (Channel.INAPP, Channel.EMAIL, Channel.SMS),
}
DEFAULT_EMERGENCY_AFTER: timedelta = SlaPolicy._meta.get_field("emergency_after").default
LEVELS = tuple(int(level) for level in Level.values)


@dataclass
class SweepResult:
    claimed: int = 0
    fired: int = 0
    batches: int = 0


@dataclass(slots=True)
class Claim:
    """A claimed deadline row with the case fields the ladder needs (plain values: building
    model instances is most of the Python time at 10,000 rows)."""

    pk: int
    case_id: int
    kind: str
    due_at: datetime
    warn_at: datetime
    next_check_at: datetime | None
    breached: bool
    escalation_level: int
    case_state: str
    severity: str
    category_id: int
    team_id: int
    assignee_id: int | None
    reference: str | None
    sla_terms: dict


CLAIM_FIELDS = (
    "id", "case_id", "kind", "due_at", "warn_at", "next_check_at", "breached", "escalation_level",
    "case__state", "case__severity", "case__category_id", "case__team_id", "case__assignee_id",
    "case__reference", "case__sla_terms",
)


@dataclass
class FiredStep:
    deadline: Claim
    level: int
    summary: str = ""
    title: str = ""
    data: dict | None = None


def deadlines_sweep(
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    time_budget: float = TIME_BUDGET_SECONDS,
    on_backlog: Callable[[], None] | None = None,
) -> SweepResult:
    """Escalate every deadline that is due, batch by batch, until none is left or the budget is spent.

    Safe to run in parallel and to repeat: each step fires once per deadline and level.
    `on_backlog` is called once if the first batch was full (more is due than one batch), so
    the caller can start another sweep in parallel; SKIP LOCKED splits the rows between them.
    Side effects per fired step: an `EscalationStep` row, a timeline entry, the deadline's and
    the case's escalation level and breach flag, notifications (sent after commit) and
    `complaints.signals.case_escalated` (after commit).
    """
    started = time.monotonic()
    result = SweepResult()
    while True:
        claimed, fired = _sweep_batch(now=now or timezone.now(), batch_size=batch_size)
        result.claimed += claimed
        result.fired += fired
        result.batches += 1
        if result.batches == 1 and claimed == batch_size and on_backlog is not None:
            on_backlog()
        if claimed < batch_size or time.monotonic() - started > time_budget:
            break
    if result.fired:
        logger.info(
            "escalation sweep fired steps",
            extra={
                "claimed": result.claimed,
                "fired": result.fired,
                "batches": result.batches,
                "seconds": round(time.monotonic() - started, 3),
            },
        )
    return result


def _sweep_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    with transaction.atomic():
        rows = [
            Claim(*values)
            for values in Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_check_at__lte=now, state=DeadlineState.PENDING)
            .order_by("next_check_at")
            .values_list(*CLAIM_FIELDS)[:batch_size]
        ]
        if not rows:
            return 0, 0
        planned = _plan(rows, now)
        fired = _insert_steps(planned, now)
        _save_deadlines(rows)
        if fired:
            _describe(fired)
            _update_cases(fired)
            _record_timeline(fired)
            _notify(fired)
            transaction.on_commit(lambda: _send_signals(fired))
        pause = getattr(settings, "ESCALATION_TEST_PAUSE", 0.0)
        if pause:
            # Test hook: hold the batch open so a test can kill the worker mid-escalation.
            time.sleep(pause)
    return len(rows), len(fired)


def _save_deadlines(rows: list[Claim]) -> None:
    """Write back escalation_level, breached and next_check_at of the claimed rows."""
    if connection.vendor != "postgresql":
        for d in rows:
            Deadline.objects.filter(pk=d.pk).update(
                escalation_level=d.escalation_level, breached=d.breached, next_check_at=d.next_check_at
            )
        return
    # One UPDATE … FROM (VALUES …): bulk_update's CASE per row costs seconds at 10,000 rows.
    values = ", ".join(["(%s::bigint, %s::smallint, %s::boolean, %s::timestamptz)"] * len(rows))
    params: list = []
    for d in rows:
        params += [d.pk, d.escalation_level, d.breached, d.next_check_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Deadline._meta.db_table} AS d SET escalation_level = v.level, "
            "breached = v.breached, next_check_at = v.next_check_at "
            f"FROM (VALUES {values}) AS v(id, level, breached, next_check_at) WHERE d.id = v.id",
            params,
        )


def _plan(rows: list[Claim], now: datetime) -> list[FiredStep]:
    """Decide the levels due now for each claimed row and move the row to its next check."""
    policies = _emergency_after_by_policy()
    planned = []
    for deadline in rows:
        if deadline.case_state not in OPEN_STATES:
            # A pending deadline on a finished case escalates nobody; stop looking at it.
            deadline.next_check_at = None
            continue
        times = _level_times(deadline, _emergency_after(deadline, policies))
        for level in LEVELS:
            if level > deadline.escalation_level and times[level] <= now:
                planned.append(FiredStep(deadline, level))
                deadline.escalation_level = level
        deadline.breached = deadline.breached or deadline.escalation_level >= Level.SUPERVISOR
        later = [times[level] for level in LEVELS if level > deadline.escalation_level]
        deadline.next_check_at = min(later) if later else None
    return planned


def _level_times(deadline: Claim, emergency_after: timedelta) -> dict[int, datetime]:
    critical = deadline.severity == Severity.CRITICAL
    return {
        Level.WARN: deadline.warn_at,
        Level.SUPERVISOR: deadline.due_at,
        Level.EMERGENCY: deadline.due_at if critical else deadline.due_at + emergency_after,
    }


def _emergency_after_by_policy() -> dict[tuple[int, str], timedelta]:
    return {
        (category_id, severity): after
        for category_id, severity, after in SlaPolicy.objects.values_list(
            "category_id", "severity", "emergency_after"
        )
    }


def _emergency_after(case: Claim, policies: dict[tuple[int, str], timedelta]) -> timedelta:
    """The case's frozen SLA terms first (a policy applies to cases created after it), else today's
    policy for its category and severity, else the category's normal one, else the default."""
    seconds = (case.sla_terms or {}).get("emergency_after")
    if isinstance(seconds, int | float):
        return timedelta(seconds=seconds)
    return (
        policies.get((case.category_id, case.severity))
        or policies.get((case.category_id, Severity.NORMAL))
        or DEFAULT_EMERGENCY_AFTER
    )


def _insert_steps(planned: list[FiredStep], now: datetime) -> list[FiredStep]:
    """Insert the planned steps; returns those actually inserted (the constraint drops repeats)."""
    if not planned:
        return []
    table = EscalationStep._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(planned))
    params: list = []
    for step in planned:
        params += [step.deadline.pk, step.level, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (deadline_id, level, fired_at) VALUES {values} "
            "ON CONFLICT (deadline_id, level) DO NOTHING RETURNING deadline_id, level",
            params,
        )
        inserted = {(deadline_id, level) for deadline_id, level in cursor.fetchall()}
    return [s for s in planned if (s.deadline.pk, s.level) in inserted]


def _update_cases(fired: list[FiredStep]) -> None:
    """Raise each case's escalation level and breach flag; conditional, so never lowered."""
    top: dict[int, int] = {}
    for step in fired:
        top[step.deadline.case_id] = max(top.get(step.deadline.case_id, 0), step.level)
    # Lock the cases in id order so that sweeps touching the same cases cannot deadlock.
    list(
        ComplaintCase.objects.select_for_update()
        .filter(pk__in=list(top))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if connection.vendor == "postgresql":
        # One UPDATE writes each case row once (every row version costs all the case indexes).
        values = ", ".join(["(%s::bigint, %s::smallint, %s::boolean)"] * len(top))
        params: list = []
        for case_id, level in top.items():
            params += [case_id, level, level >= Level.SUPERVISOR]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ComplaintCase._meta.db_table} AS c "
                "SET escalation_level = GREATEST(c.escalation_level, v.level), "
                "is_breached = c.is_breached OR v.breached "
                f"FROM (VALUES {values}) AS v(id, level, breached) "
                "WHERE c.id = v.id AND (c.escalation_level < v.level OR (v.breached AND NOT c.is_breached))",
                params,
            )
        return
    by_level: dict[int, list[int]] = defaultdict(list)
    for case_id, level in top.items():
        by_level[level].append(case_id)
    for level, case_ids in by_level.items():
        ComplaintCase.objects.filter(pk__in=case_ids, escalation_level__lt=level).update(escalation_level=level)
    breached = [case_id for case_id, level in top.items() if level >= Level.SUPERVISOR]
    if breached:
        ComplaintCase.objects.filter(pk__in=breached, is_breached=False).update(is_breached=True)


def _describe(fired: list[FiredStep]) -> None:
    """Fill in each step's texts (in the default language: no request here) and data, once."""
    labels = {kind: str(label) for kind, label in DeadlineKind.choices}
    for step in fired:
        deadline = step.deadline
        kind = labels.get(deadline.kind, deadline.kind)
        params = {
            "kind": kind,
            "due": timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M"),
            "reference": deadline.reference or deadline.case_id,
        }
        if step.level == Level.WARN:
            step.summary = _("%(kind)s deadline approaching (due %(due)s); the assignee was warned") % params
            step.title = _("%(reference)s: %(kind)s deadline approaching") % params
        elif step.level == Level.SUPERVISOR:
            step.summary = _("%(kind)s deadline breached (due %(due)s); escalated to the supervisor") % params
            step.title = _("%(reference)s: %(kind)s deadline breached") % params
        else:
            step.summary = _("%(kind)s deadline breached (due %(due)s); escalated to the emergency group") % params
            step.title = _("%(reference)s: escalated to the emergency group") % params
        step.data = {
            "deadline_id": deadline.pk,
            "deadline_kind": deadline.kind,
            "level": step.level,
            "due_at": deadline.due_at.isoformat(),
        }


def _record_timeline(fired: list[FiredStep]) -> None:
    case_events_record_bulk(
        EventRow(case_id=step.deadline.case_id, kind=EVENT_KIND[step.level], summary=step.summary, data=step.data or {})
        for step in fired
    )


def _notify(fired: list[FiredStep]) -> None:
    """Who hears of a step: warning → the assignee (the team's supervisors if none);
    breach → the team's supervisors and the assignee; emergency → the emergency group and the
    team's supervisors."""
    team_ids = {step.deadline.team_id for step in fired}
    supervisors: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in User.teams.through.objects.filter(
        team_id__in=team_ids, user__is_active=True, user__groups__name=Role.SUPERVISOR
    ).values_list("team_id", "user_id"):
        supervisors[team_id].append(user_id)
    emergency: list[int] = []
    if any(step.level == Level.EMERGENCY for step in fired):
        emergency = list(
            User.objects.filter(
                is_active=True, groups__name__in=[Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER]
            )
            .values_list("pk", flat=True)
            .distinct()
        )
    messages = []
    for step in fired:
        case = step.deadline
        team_supervisors = supervisors.get(case.team_id, [])
        assignee = [case.assignee_id] if case.assignee_id else []
        if step.level == Level.WARN:
            recipients = assignee or team_supervisors
        elif step.level == Level.SUPERVISOR:
            recipients = team_supervisors + assignee
        else:
            recipients = emergency + team_supervisors
        if recipients:
            messages.append(
                Message(
                    recipients=recipients,
                    kind=EVENT_KIND[step.level],
                    title=step.title,
                    body=step.summary,
                    case_id=case.case_id,
                    channels=CHANNELS[step.level],
                    data=step.data,
                )
            )
    notify_bulk(messages)


def _send_signals(fired: list[FiredStep]) -> None:
    for step in fired:
        signals.send_now(
            signals.case_escalated,
            case_id=step.deadline.case_id,
            actor_id=None,
            deadline_id=step.deadline.pk,
            deadline_kind=step.deadline.kind,
            level=int(step.level),
        )


__all__ = ["SweepResult", "deadlines_sweep"]
