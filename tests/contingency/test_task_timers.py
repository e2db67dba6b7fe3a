"""The overdue-task handler: the lead hears once; done tasks and closed activations stay quiet."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contingency.models import ActivationEvent
from contingency.services import task_overdue_escalate
from notifications.models import Notification
from timers.models import Deadline, EscalationStep
from timers.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


def test_an_overdue_task_notifies_the_lead(activation, lead):
    task = activation.tasks.first()

    assert task_overdue_escalate(task_id=task.pk) is True
    assert Notification.objects.filter(recipient=lead, kind="activation_task_overdue").count() == 1


def test_an_overdue_task_notifies_only_once(activation, lead):
    task = activation.tasks.first()
    task_overdue_escalate(task_id=task.pk)

    assert task_overdue_escalate(task_id=task.pk) is False
    assert Notification.objects.filter(kind="activation_task_overdue").count() == 1


def test_an_overdue_task_lands_on_the_activation_timeline(activation):
    task = activation.tasks.first()
    task_overdue_escalate(task_id=task.pk)

    assert ActivationEvent.objects.filter(activation=activation, kind="task_overdue").count() == 1


def test_a_done_task_escalates_nothing(activation, member):
    from contingency.services import activation_task_complete

    task = activation.tasks.first()
    activation_task_complete(activation_id=activation.pk, task_id=task.pk, actor=member)

    assert task_overdue_escalate(task_id=task.pk) is False


# -- through the shared deadline rows and sweep --------------------------------------------

def _task_deadlines(activation):
    from django.contrib.contenttypes.models import ContentType

    from contingency.models import ActivationTask

    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(ActivationTask),
                                   object_id__in=activation.tasks.values("pk"))


def test_every_task_gets_one_deadline_row_due_with_it(activation):
    rows = {d.object_id: d.due_at for d in _task_deadlines(activation)}

    assert rows == {t.pk: t.due_at for t in activation.tasks.all()}


def test_the_sweep_escalates_each_overdue_task_once(activation, lead):
    later = timezone.now() + timedelta(days=5)
    deadlines_sweep(now=later)
    deadlines_sweep(now=later + timedelta(hours=1))

    assert Notification.objects.filter(recipient=lead, kind="activation_task_overdue").count() == activation.tasks.count()
    assert EscalationStep.objects.filter(deadline__in=_task_deadlines(activation)).count() == activation.tasks.count()


def test_the_sweep_skips_a_task_done_in_time(activation, member):
    from contingency.services import activation_task_complete

    task = activation.tasks.order_by("order").first()
    activation_task_complete(activation_id=activation.pk, task_id=task.pk, actor=member)
    deadlines_sweep(now=timezone.now() + timedelta(days=5))

    assert not ActivationEvent.objects.filter(activation=activation, kind="task_overdue", data__task_id=task.pk).exists()


def test_the_sweep_fires_nothing_before_the_due_time(activation):
    deadlines_sweep(now=timezone.now() + timedelta(minutes=30))

    assert not Notification.objects.filter(kind="activation_task_overdue").exists()


def test_a_resolved_activation_escalates_no_task(activation, lead):
    from tests.api.conftest import client_for

    client = client_for(lead)
    client.post(f"/api/v1/activations/{activation.pk}/transitions/acknowledge/")
    client.post(f"/api/v1/activations/{activation.pk}/transitions/resolve/", {"override_reason": "已处置"},
                format="json")
    deadlines_sweep(now=timezone.now() + timedelta(days=5))

    assert not Notification.objects.filter(kind="activation_task_overdue").exists()
