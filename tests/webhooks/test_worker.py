"""End to end: a case event reaches a real receiver through a real Celery worker on Redis."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.conftest import start_celery_worker, stop_process, wait_until
from tests.factories import advance, make_case
from webhooks import services
from webhooks.models import Delivery, DeliveryState

SECRET = "s3cret-for-tests-only"


@pytest.fixture
def fast_retry_worker(transactional_db, celery_queue):
    """A worker whose webhook backoff starts at 0.3 s and whose receiver timeout is 0.5 s."""
    proc = start_celery_worker(celery_queue, extra_env={"WEBHOOK_RETRY_BASE": "0.3", "WEBHOOK_TIMEOUT": "0.5"})
    yield proc
    stop_process(proc)


def delivered() -> Delivery | None:
    return Delivery.objects.filter(state=DeliveryState.DELIVERED).select_related("event").first()


@pytest.mark.celery
def test_receiver_failing_twice_gets_the_event_on_the_third_attempt(fast_retry_worker, admin_user, agent, receiver):
    receiver.script = [500, 502]
    services.subscription_create(actor=admin_user, url=receiver.url, events=["case.created"], secret=SECRET)

    case = make_case(actor=agent)

    delivery = wait_until(delivered, timeout=30)
    assert [r.status for r in receiver.requests] == [500, 502, 200]
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 502), (3, 200)]
    last = receiver.requests[-1]
    assert last.headers["X-Signature"] == "sha256=" + hmac.new(SECRET.encode(), last.body, hashlib.sha256).hexdigest()
    assert json.loads(last.body)["data"]["case_id"] == case.pk
    assert {r.headers["X-Event-Id"] for r in receiver.requests} == {str(delivery.event_id)}


@pytest.mark.celery
def test_timed_out_delivery_is_retried(fast_retry_worker, admin_user, agent, receiver):
    receiver.script = ["hang"]
    services.subscription_create(actor=admin_user, url=receiver.url, events=["case.transitioned"], secret=SECRET)

    advance(make_case(actor=agent), actor=agent, steps=1)

    delivery = wait_until(delivered, timeout=30)
    assert list(delivery.attempt_log.values_list("number", "error")) == [(1, "timeout"), (2, "")]
    assert delivery.event.data["transition"] == {"name": "start_verification", "from": "intake", "to": "verify"}


@pytest.mark.celery
def test_event_published_while_the_broker_is_down_is_sent_by_the_retry_sweep(
    fast_retry_worker, admin_user, agent, receiver, settings
):
    from tests.escalation.brokers import free_port, use_broker
    from webhooks.tasks import retry_pending

    services.subscription_create(actor=admin_user, url=receiver.url, events=["case.created"], secret=SECRET)
    with use_broker(settings, f"redis://127.0.0.1:{free_port()}/0"):
        make_case(actor=agent)
    assert Delivery.objects.get().state == DeliveryState.PENDING

    assert retry_pending() == 1

    wait_until(delivered, timeout=30)
    assert len(receiver.requests) == 1
