"""The sweep through real processes: worker and beat on Redis, racing sweeps, a killed worker,
and a broker outage (on a private redis-server; the machine's Redis is never touched)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from common.queue import enqueue_on_commit
from complaints.models import CaseEvent, ComplaintCase
from notifications.models import Delivery, Notification
from tests.conftest import wait_until
from tests.escalation.brokers import PrivateRedis, use_broker
from tests.escalation.factories import DeadlineFactory, due_deadline
from tests.escalation.processes import start_beat, start_worker
from tests.timers.conftest import racing_sweeps
from timers.models import Deadline, EscalationStep
from timers.tasks import sweep_deadlines

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def steps_of(deadline) -> int:
    return EscalationStep.objects.filter(deadline=deadline).count()


def is_locked(deadline) -> bool:
    with transaction.atomic():
        return not Deadline.objects.select_for_update(skip_locked=True).filter(pk=deadline.pk).exists()


@pytest.fixture
def processes():
    started = []
    yield started
    for proc in started:
        proc.stop()


def test_deadline_due_in_two_seconds_fires_once_through_worker_and_beat(case, celery_queue, processes):
    warn_at = timezone.now() + timedelta(seconds=2)
    deadline = DeadlineFactory(case=case, warn_at=warn_at, next_check_at=warn_at)
    processes.append(start_worker(celery_queue))
    processes.append(start_beat(celery_queue, extra_env={"ESCALATION_SWEEP_INTERVAL": "1"}))
    wait_until(lambda: steps_of(deadline), timeout=30)
    time.sleep(3)  # several more beat runs: none may fire again
    assert (
        steps_of(deadline),
        CaseEvent.objects.filter(case=case, kind="deadline_warning").count(),
        list(Notification.objects.filter(case=case).values_list("recipient__username", flat=True)),
    ) == (1, 1, ["agent"])


def test_escalation_email_is_delivered_by_the_worker(case, celery_queue, processes):
    due_deadline(case)
    processes.append(start_worker(celery_queue))
    sweep_deadlines.delay()
    assert wait_until(lambda: Delivery.objects.filter(state="sent").count(), timeout=30) == 1


def test_two_racing_sweeps_fire_every_step_exactly_once(make_quiet_case):
    cases = [make_quiet_case() for _ in range(20)]
    deadlines = [due_deadline(case, kind=kind) for case in cases for kind in ("acknowledge", "follow_up")]
    results, errors = racing_sweeps(batch_size=5)
    assert (
        errors,
        sum(r.fired for r in results),
        EscalationStep.objects.filter(deadline__in=deadlines).count(),
        CaseEvent.objects.filter(case__in=cases, kind="deadline_warning").count(),
        Notification.objects.filter(case__in=cases).count(),
    ) == ([], 40, 40, 40, 40)


def test_concurrent_inserts_of_one_step_leave_one_fired(case):
    """The constraint is the final guard: a second connection inserting the same (deadline,
    level) waits for the first and then inserts nothing, so it fires nothing."""
    from types import SimpleNamespace

    from timers.sweep import FiredStep, _insert_steps

    deadline = due_deadline(case)
    step = FiredStep(SimpleNamespace(pk=deadline.pk), 1)
    first_inserted, results = threading.Event(), {}

    def insert(name: str, wait_for=None, hold: float = 0.0) -> None:
        try:
            if wait_for is not None:
                wait_for.wait(10)
            with transaction.atomic():
                results[name] = _insert_steps([step], timezone.now())
                first_inserted.set()
                time.sleep(hold)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=insert, args=("first",), kwargs={"hold": 0.5}),
        threading.Thread(target=insert, args=("second",), kwargs={"wait_for": first_inserted}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (len(results["first"]), len(results["second"]), steps_of(deadline)) == (1, 0, 1)


def test_worker_killed_mid_escalation_escalates_once_after_restart(case, celery_queue, processes):
    deadline = due_deadline(case)
    doomed = start_worker(celery_queue, extra_env={"ESCALATION_TEST_PAUSE": "60"}, name="doomed")
    processes.append(doomed)
    # Claimed, its transaction open. The sweep is sent again every 10 s: a loaded CI machine
    # can take long to start the pool child, and a repeat finds the row locked and does nothing.
    wait_until(lambda: is_locked(deadline), timeout=60, explain=doomed.output,
               every=(10, sweep_deadlines.delay))
    doomed.kill()
    wait_until(lambda: not is_locked(deadline), timeout=30)  # PostgreSQL rolled it back
    assert steps_of(deadline) == 0
    fresh = start_worker(celery_queue, name="fresh")
    processes.append(fresh)
    sweep_deadlines.delay()
    wait_until(lambda: steps_of(deadline), timeout=60, explain=fresh.output)
    time.sleep(1)
    sweep_deadlines.delay()  # a later sweep finds nothing more to do
    time.sleep(2)
    assert (
        steps_of(deadline),
        CaseEvent.objects.filter(case=case, kind="deadline_warning").count(),
        Notification.objects.filter(case=case).count(),
    ) == (1, 1, 1)


@pytest.fixture
def private_broker(settings, celery_queue):
    server = PrivateRedis()
    server.start()
    try:
        with use_broker(settings, server.url):
            yield server
    finally:
        server.stop()


def test_redis_outage_loses_nothing_and_sweep_catches_up(
    private_broker, celery_queue, processes, people, make_quiet_case, caplog
):
    from rest_framework.test import APIClient

    from tests.factories import case_payload

    worker = start_worker(celery_queue, extra_env={"CELERY_BROKER_URL": private_broker.url})
    processes.append(worker)
    case = make_quiet_case()
    private_broker.stop()

    client = APIClient()
    client.force_authenticate(people["agent"])
    started = time.monotonic()
    created = client.post("/api/v1/complaints/", case_payload(summary="Redis 停止期间受理"), format="json")
    moved = client.post(f"/api/v1/complaints/{created.json()['id']}/transitions/start_verification/", {}, format="json")
    elapsed = time.monotonic() - started
    assert (created.status_code, moved.status_code, elapsed < 5) == (201, 200, True)
    assert ComplaintCase.objects.get(pk=created.json()["id"]).state == "verify"

    deadline = due_deadline(case)  # falls due while the broker is down
    with caplog.at_level(logging.ERROR, logger="notifications.services"), transaction.atomic():
        enqueue_on_commit(sweep_deadlines)  # what beat would try: logged, not raised
    assert "could not enqueue task; it will be caught up" in [r.getMessage() for r in caplog.records]
    assert steps_of(deadline) == 0

    private_broker.start()  # same port: the worker and this process reconnect
    wait_until(lambda: _published(sweep_deadlines), timeout=30)
    wait_until(lambda: steps_of(deadline), timeout=60)
    assert Notification.objects.filter(case=case, kind="deadline_warning").count() == 1


def _published(task) -> bool:
    try:
        task.apply_async(retry=False)
    except Exception:
        return False
    return True
