"""The overdue-task handler: the lead hears once; done tasks and closed activations stay quiet."""

import pytest

from contingency.models import ActivationEvent
from contingency.services import task_overdue_escalate
from notifications.models import Notification

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
