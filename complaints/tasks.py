"""Celery entry points of the complaints app; the rules live in the services they call."""

from __future__ import annotations

from celery import shared_task

from complaints import escalation


@shared_task(name="complaints.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> int:
    """Escalate the deadlines that are due (beat runs this every ESCALATION_SWEEP_INTERVAL
    seconds). Idempotent and safe in parallel; returns the number of steps fired."""
    return escalation.deadlines_sweep().fired
