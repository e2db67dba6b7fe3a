"""Celery entry points for webhook delivery; the rules live in `webhooks.services`."""

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery; a failed attempt enqueues the next with backoff.

    Idempotent: a settled, not-yet-due or already-claimed delivery exits without sending.
    """
    return services.delivery_attempt(delivery_id=delivery_id).state


@shared_task(name="webhooks.retry_pending", ignore_result=True)
def retry_pending() -> int:
    """Re-enqueue pending deliveries whose next attempt is due (the broker lost or never got them)."""
    return services.deliveries_requeue_due()
