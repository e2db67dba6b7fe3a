"""Celery entry points of the common app."""

from celery import shared_task

from common.idempotency import idempotency_records_prune


@shared_task(name="common.prune_idempotency_records")
def prune_idempotency_records() -> int:
    """Drop Idempotency-Key answers past their time to live (run daily from beat)."""
    return idempotency_records_prune()
