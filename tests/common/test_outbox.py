"""The outbox mechanism both delivery tables use: backoff, claim, requeue of due rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from common import outbox
from notifications.models import Delivery as NotificationDelivery
from notifications.services import notify
from tests.factories import UserFactory
from webhooks.models import Delivery as WebhookDelivery
from webhooks.models import Event, Subscription


def test_backoff_doubles_from_the_base_up_to_the_cap():
    assert [outbox.backoff_delay(n, base=5, cap=30) for n in (1, 2, 3, 4, 100)] == [5, 10, 20, 30, 30]


def test_backoff_for_a_huge_attempt_count_is_the_cap():
    assert outbox.backoff_delay(10**9, base=15, cap=3600) == 3600


def _webhook_delivery(next_attempt_at) -> WebhookDelivery:
    admin = UserFactory(is_superuser=True)
    subscription = Subscription(url="http://127.0.0.1:9/", events=["case.created"], created_by=admin)
    subscription.secret = "s" * 20
    subscription.save()
    event = Event.objects.create(type="case.created", data={})
    return WebhookDelivery.objects.create(event=event, subscription=subscription, next_attempt_at=next_attempt_at)


@pytest.mark.django_db
def test_a_claimed_row_is_not_claimed_again_while_the_lease_runs():
    now = timezone.now()
    delivery = _webhook_delivery(now)

    first = outbox.claim_due(WebhookDelivery, ids=[delivery.pk], now=now)
    second = outbox.claim_due(WebhookDelivery, ids=[delivery.pk], now=now + timedelta(seconds=30))

    assert (first, second) == ([delivery.pk], [])


@pytest.mark.django_db
def test_a_claim_whose_worker_died_is_claimable_after_the_lease():
    now = timezone.now()
    delivery = _webhook_delivery(now)
    outbox.claim_due(WebhookDelivery, ids=[delivery.pk], now=now)

    later = now + outbox.lease() + timedelta(seconds=1)

    assert outbox.claim_due(WebhookDelivery, ids=[delivery.pk], now=later) == [delivery.pk]


@pytest.mark.django_db
def test_requeue_hands_over_only_due_pending_rows_of_either_table():
    now = timezone.now()
    due = _webhook_delivery(now - timedelta(seconds=1))
    user = UserFactory(email="someone@example.cn")
    notify([user], "note", "title", channels=["email"])
    NotificationDelivery.objects.update(next_attempt_at=now + timedelta(minutes=5))
    handed: list[list[int]] = []

    counts = (
        outbox.requeue_due(WebhookDelivery, enqueue=handed.append, now=now, limit=10),
        outbox.requeue_due(NotificationDelivery, enqueue=handed.append, now=now, limit=10),
    )

    assert (counts, handed) == ((1, 0), [[due.pk]])
