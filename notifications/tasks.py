"""Celery entry points for notifications; the work is in notifications.services."""

from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(name="notifications.deliver", acks_late=True)
def deliver_notifications(delivery_ids: list[int]) -> int:
    """Send pending deliveries (idempotent: sent rows are skipped). Failed ones get a backoff time
    in the database and are retried by `deliver_pending`. Returns how many await a retry."""
    return len(services.deliveries_send(delivery_ids=delivery_ids))


@shared_task(name="notifications.deliver_pending")
def deliver_pending() -> int:
    """Enqueue pending deliveries that are due: retries after a failure, and catch-up after a lost
    enqueue (dead broker, killed worker)."""
    return services.deliveries_enqueue_due()
