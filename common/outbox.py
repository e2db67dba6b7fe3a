"""One retry-and-backoff mechanism for the outbox tables (notification and webhook deliveries).

An outbox row is `state`, `attempts` and `next_attempt_at`: pending rows whose next attempt is
due are enqueued again by a periodic task (`requeue_due`), a worker claims a row before it works
on it (`claim_due`: the claim pushes `next_attempt_at` past a lease, so a duplicate task, the
periodic task or a second worker cannot take it meanwhile, and a worker that dies leaves it
to be picked up once the lease runs out), and a failed attempt schedules the next one
`backoff_delay` seconds later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

PENDING = "pending"


def backoff_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds before the next attempt after `attempts` failed ones: base, 2×base, 4×base, … ≤ cap."""
    exponent = min(max(attempts - 1, 0), 64)  # 2**64 × base is beyond any cap; avoids huge ints
    return float(min(base * 2**exponent, cap))


def lease() -> timedelta:
    """How long a claim holds: longer than any attempt can take (the task's hard time limit)."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 10)


def due_ids(model: type[models.Model], *, now: datetime, limit: int) -> list[int]:
    """Pending rows of `model` whose next attempt is due, the longest-waiting first."""
    return list(
        model._default_manager.filter(state=PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def requeue_due(
    model: type[models.Model], *, enqueue: Callable[[list[int]], None], now: datetime, limit: int
) -> int:
    """Hand the due pending rows to `enqueue` (after a broker outage, a lost task or a retry's
    backoff); returns how many. The rows stay pending: the claim decides who works on them."""
    ids = due_ids(model, now=now, limit=limit)
    if ids:
        enqueue(ids)
    return len(ids)


def claim_due(
    model: type[models.Model],
    *,
    ids: Sequence[int],
    now: datetime,
    due: Q | None = None,
    **fields: Any,
) -> list[int]:
    """Claim the pending rows among `ids` that are due (`due`, default `next_attempt_at <= now`).

    The claimed rows get `next_attempt_at = now + lease()` (and `fields`) in this call's own
    transaction; rows another worker holds locked are skipped, not waited for. Returns the ids
    claimed, in id order. The caller then works on them and settles or reschedules each.
    """
    condition = due if due is not None else Q(next_attempt_at__lte=now)
    with transaction.atomic():
        claimed = list(
            model._default_manager.select_for_update(skip_locked=True)
            .filter(condition, pk__in=list(ids), state=PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if claimed:
            model._default_manager.filter(pk__in=claimed).update(next_attempt_at=now + lease(), **fields)
    return claimed
