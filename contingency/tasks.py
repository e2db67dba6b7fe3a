"""Celery entry points of the contingency app."""

from celery import shared_task

from contingency.services.drills import drills_start_due


@shared_task(name="contingency.start_due_drills")
def start_due_drills() -> int:
    """Start the drills whose scheduled time has come (beat, every minute)."""
    return drills_start_due()
