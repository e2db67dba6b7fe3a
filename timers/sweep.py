"""The escalation sweep: fires each due deadline's ladder, for every subject type.

What fires when, and what a step does, belongs to the subject's handler (`timers.registry`);
the sweep claims the due rows, asks the handler for their ladder times, records the steps
that are due exactly once and hands them back to the handler.

How it stays correct with many workers, retries and crashes:
- A batch claims due rows with SELECT … FOR UPDATE SKIP LOCKED and commits per batch, so two
  sweeps never take the same row, and a killed worker's uncommitted batch rolls back and stays
  due for the next sweep.
- Each step is an `EscalationStep` row; its unique (deadline, level) constraint is the final
  guard. Steps are inserted with ON CONFLICT DO NOTHING RETURNING, and only the rows actually
  inserted are handed to the handler's `fire`.
- The sweep costs what is due, not what is open: the claim reads the partial index
  `timers_deadline_due_sweep` on `next_check_at`, and each batch does a constant number of
  queries (one claim, one load per subject type, one insert, one update, the handler's own).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from timers import registry
from timers.choices import DeadlineState
from timers.models import Deadline, EscalationStep
from timers.registry import FiredStep

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A sweep stops claiming new batches after this; the next beat run carries on.
TIME_BUDGET_SECONDS = 60.0
# Rows of a subject type nobody registered a handler for are looked at again this much later
# (a deployment missing an app must not lose them, nor block the claim with them).
UNHANDLED_RETRY = timedelta(hours=1)


@dataclass
class SweepResult:
    claimed: int = 0
    fired: int = 0
    batches: int = 0


@dataclass(slots=True)
class Claim:
    """A claimed deadline row (plain values: building model instances is most of the Python
    time at 10,000 rows)."""

    pk: int
    content_type_id: int
    object_id: int
    kind: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    next_check_at: datetime | None
    breached: bool
    escalation_level: int


CLAIM_FIELDS = (
    "id", "content_type_id", "object_id", "kind", "started_at", "due_at", "warn_at", "next_check_at",
    "breached", "escalation_level",
)


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
        by_type: dict[int, list[Claim]] = defaultdict(list)
        for row in rows:
            by_type[row.content_type_id].append(row)
        work: list[tuple[registry.SubjectHandler, Any, list[FiredStep]]] = []
        planned: list[FiredStep] = []
        for content_type_id, group in by_type.items():
            handler = registry.handler_for_content_type(content_type_id)
            if handler is None:
                logger.error(
                    "no deadline handler for this subject type; retrying later",
                    extra={"content_type_id": content_type_id, "rows": len(group)},
                )
                for row in group:
                    row.next_check_at = now + UNHANDLED_RETRY
                continue
            subjects = handler.load({row.object_id for row in group})
            mine = _plan(handler, group, subjects, now)
            work.append((handler, subjects, mine))
            planned += mine
        fired = _insert_steps(planned, now)
        _save_deadlines(rows)
        if fired:
            inserted = {(step.deadline.pk, step.level) for step in fired}
            for handler, subjects, mine in work:
                steps = [step for step in mine if (step.deadline.pk, step.level) in inserted]
                if steps:
                    handler.fire(steps, subjects)
        pause = getattr(settings, "ESCALATION_TEST_PAUSE", 0.0)
        if pause:
            # Test hook: hold the batch open so a test can kill the worker mid-escalation.
            time.sleep(pause)
    return len(rows), len(fired)


def _plan(
    handler: registry.SubjectHandler, rows: list[Claim], subjects: Any, now: datetime
) -> list[FiredStep]:
    """Decide the levels due now for each claimed row and move the row to its next check.

    A row whose due time has passed is breached; a row whose subject is finished (no ladder)
    stops being watched and fires nothing."""
    planned = []
    for row in rows:
        subject = subjects.get(row.object_id)
        times = handler.level_times(row, subject) if subject is not None else None
        if times is None:
            row.next_check_at = None
            continue
        for level in sorted(times):
            if level > row.escalation_level and times[level] <= now:
                planned.append(FiredStep(row, level, subject))
                row.escalation_level = level
        row.breached = row.breached or row.due_at <= now
        row.next_check_at = registry.next_check(times, row.escalation_level)
    return planned


def _insert_steps(planned: list[FiredStep], now: datetime) -> list[FiredStep]:
    """Insert the planned steps; returns those actually inserted (the constraint drops repeats)."""
    if not planned:
        return []
    table = EscalationStep._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(planned))
    params: list[Any] = []
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
    params: list[Any] = []
    for d in rows:
        params += [d.pk, d.escalation_level, d.breached, d.next_check_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Deadline._meta.db_table} AS d SET escalation_level = v.level, "
            "breached = v.breached, next_check_at = v.next_check_at "
            f"FROM (VALUES {values}) AS v(id, level, breached, next_check_at) WHERE d.id = v.id",
            params,
        )


__all__ = ["FiredStep", "SweepResult", "deadlines_sweep"]
