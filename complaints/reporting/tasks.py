"""Celery entry point of the report summaries (registered from ComplaintsConfig.ready)."""

from celery import shared_task

from complaints.reporting import summaries


@shared_task(name="complaints.refresh_report_summaries", ignore_result=True)
def refresh_report_summaries() -> dict[str, int]:
    """Rebuild yesterday's and today's summary rows and merge the appended counter rows (beat,
    every few minutes; idempotent)."""
    return {**summaries.summaries_refresh_recent(days=2), "counter_rows": summaries.counters_compact()}
