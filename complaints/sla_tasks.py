"""Celery entry points of the SLA module (registered from ComplaintsConfig.ready)."""

from celery import shared_task
from django.db import OperationalError

from complaints import sla


@shared_task(
    name="complaints.send_extension_notice",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_extension_notice(case_id: int, extension: int, actor_id: int) -> None:
    """Tell the complainant that the final answer was extended (idempotent per extension)."""
    sla.extension_notice_record(case_id=case_id, extension=extension, actor_id=actor_id)
