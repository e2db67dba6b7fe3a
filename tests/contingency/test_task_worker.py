"""An overdue task escalates to the lead exactly once through a real Celery worker and beat."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from contingency import services
from contingency.models import ActivationEvent
from notifications.models import Notification
from tests.conftest import wait_until
from tests.escalation.processes import start_beat, start_worker
from timers.models import EscalationStep

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def processes():
    started = []
    yield started
    for proc in started:
        proc.stop()


def test_an_overdue_task_escalates_exactly_once_through_a_real_worker(lead, celery_queue, processes):
    playbook = services.playbook_create(actor=lead, data={
        "name": "两秒演练方案", "category": None, "status": "active", "key_points": [],
        "trigger": {"min_severity": "critical"},
        "steps": [{"order": 1, "title": "两秒内完成", "department": "it", "due_within": 2, "required": True}],
    })
    activation, _created = services.activation_create_manual(actor=lead, playbook_id=playbook.pk, case_ids=[])
    processes.append(start_worker(celery_queue))
    processes.append(start_beat(celery_queue, extra_env={"ESCALATION_SWEEP_INTERVAL": "1"}))

    wait_until(lambda: Notification.objects.filter(kind="activation_task_overdue").exists(), timeout=40)
    time.sleep(3)  # several more sweeps: none may fire again
    assert (
        Notification.objects.filter(recipient=lead, kind="activation_task_overdue").count(),
        ActivationEvent.objects.filter(activation=activation, kind="task_overdue").count(),
        EscalationStep.objects.count(),
    ) == (1, 1, 1)
    task = activation.tasks.get()
    assert task.due_at - activation.activated_at == timedelta(seconds=2)
