"""The summary rows behind the dashboard: rebuilt by beat and by `manage.py refresh_reports`."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from complaints.models import FinalAnswerDaily, StageTimeDaily
from complaints.reporting.tasks import refresh_report_summaries

pytestmark = pytest.mark.django_db


def test_beat_rebuilds_the_report_summaries():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "complaints.refresh_report_summaries" in tasks


def test_the_beat_task_rebuilds_today_from_the_timeline(known):
    StageTimeDaily.objects.all().delete()
    FinalAnswerDaily.objects.all().delete()

    refresh_report_summaries()

    assert StageTimeDaily.objects.filter(stage="intake").exists()
    assert sum(FinalAnswerDaily.objects.values_list("answered", flat=True)) == 3


def test_refresh_reports_command_rebuilds_the_given_days(known):
    StageTimeDaily.objects.all().delete()
    out = io.StringIO()

    call_command("refresh_reports", days=90, stdout=out)

    assert StageTimeDaily.objects.exists()
    assert "stage rows" in out.getvalue()


def test_refresh_reports_refuses_a_nonsense_range():
    with pytest.raises(CommandError):
        call_command("refresh_reports", days=0)
