"""The sweep costs a constant number of queries per batch, whatever the number of steps it fires
(issue 12: 10,000 due deadlines escalated in < 10 s)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints import signals
from contingency.models import ActivationCase
from tests.escalation.factories import breached_deadline
from timers.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


def sweep_queries(make_quiet_case, capture_on_commit, count: int) -> int:
    """Queries of one sweep (and its after-commit receivers) breaching `count` critical cases'
    deadlines: supervisor and emergency steps, the emergency group's activation. Rolled back after."""
    with transaction.atomic():
        cases = [make_quiet_case(severity="critical") for _ in range(count)]
        for case in cases:
            breached_deadline(case)
        with CaptureQueriesContext(connection) as queries, capture_on_commit(execute=True):
            fired = deadlines_sweep().fired
        linked = ActivationCase.objects.filter(case__in=cases).count()
        transaction.set_rollback(True)
    assert (fired, linked) == (2 * count, count)
    return len(queries)


def test_a_sweep_of_50_due_deadlines_runs_as_many_queries_as_one_of_10(
    make_quiet_case, django_capture_on_commit_callbacks
):
    sweep_queries(make_quiet_case, django_capture_on_commit_callbacks, 1)  # warms the per-process caches
    assert sweep_queries(make_quiet_case, django_capture_on_commit_callbacks, 50) == sweep_queries(
        make_quiet_case, django_capture_on_commit_callbacks, 10
    )


def test_every_receiver_of_case_escalated_also_hears_the_batch_form():
    def apps_of(signal):
        return {receiver.__module__.split(".")[0] for receiver in signal._live_receivers(None)[0]}

    assert apps_of(signals.cases_escalated) == apps_of(signals.case_escalated)
