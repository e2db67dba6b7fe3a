"""Celery entry points of the timers app; the rules live in the sweep."""

from __future__ import annotations

from celery import shared_task

from common.queue import enqueue_on_commit
from timers import sweep


@shared_task(name="timers.sweep", ignore_result=True)
def sweep_deadlines() -> int:
    """Escalate the deadlines that are due (beat runs this every ESCALATION_SWEEP_INTERVAL
    seconds). Idempotent and safe in parallel; returns the number of steps fired. Facing a
    backlog, it starts one more sweep so that another worker process shares the work."""
    return sweep.deadlines_sweep(on_backlog=_call_for_help).fired


def _call_for_help() -> None:
    # Outside any transaction this publishes at once; a broker error is logged, never raised.
    enqueue_on_commit(sweep_deadlines)
