"""Celery entry points of the complaints app; the rules live in the services they call.

The deadline sweep is the timers app's task (`timers.sweep`).
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from complaints.services.extensions import extension_notice_record


@shared_task(
    name="complaints.send_extension_notice",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_extension_notice(case_id: int, extension: int, actor_id: int) -> None:
    """Tell the complainant that the final answer was extended (idempotent per extension)."""
    extension_notice_record(case_id=case_id, extension=extension, actor_id=actor_id)
