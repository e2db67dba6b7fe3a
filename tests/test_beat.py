from django.conf import settings

from config.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()

    missing = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - set(app.tasks)

    assert missing == set()


def test_idempotency_records_are_pruned_by_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "common.prune_idempotency_records" in tasks


def test_deadline_sweep_runs_on_beat_as_the_timers_task():
    entry = settings.CELERY_BEAT_SCHEDULE["timers-sweep"]

    assert (entry["task"], entry["schedule"].total_seconds() >= 1) == ("timers.sweep", True)
