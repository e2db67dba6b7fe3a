"""Publishing webhook events and single delivery attempts, against a real receiver on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import signals
from complaints.models import ComplaintCase
from tests.factories import advance, make_case
from webhooks import services
from webhooks.models import Delivery, DeliveryAttempt, DeliveryState, Event

SECRET = "s3cret-for-tests-only"


def subscribe(admin, url: str, events=("case.created",)):
    subscription, _ = services.subscription_create(actor=admin, url=url, events=list(events), secret=SECRET)
    return subscription


def published_delivery(admin, url: str) -> Delivery:
    subscribe(admin, url)
    services.event_publish(type="case.created", data={"case_id": 1, "reference": "TS1"})
    return Delivery.objects.get()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


# -- publishing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publish_creates_one_delivery_per_subscription_wanting_the_type(admin_user, receiver):
    wanted = subscribe(admin_user, receiver.url, events=["case.created", "case.escalated"])
    subscribe(admin_user, receiver.url + "/other", events=["case.transitioned"])

    services.event_publish(type="case.created", data={"case_id": 1})

    assert list(Delivery.objects.values_list("subscription_id", "state")) == [(wanted.pk, "pending")]


@pytest.mark.django_db
def test_publish_without_subscribers_writes_nothing(admin_user):
    assert services.event_publish(type="case.created", data={"case_id": 1}) is None
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_publishing_many_events_without_subscribers_queries_once(admin_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        for case_id in range(50):
            services.event_publish(type="case.escalated", data={"case_id": case_id})


@pytest.mark.django_db
def test_new_subscription_receives_the_next_event_at_once(admin_user, receiver):
    services.event_publish(type="case.created", data={"case_id": 1})  # caches "nobody subscribes"
    subscribe(admin_user, receiver.url)

    services.event_publish(type="case.created", data={"case_id": 2})

    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_publish_skips_deactivated_subscriptions(admin_user, receiver):
    subscription = subscribe(admin_user, receiver.url)
    services.subscription_deactivate(actor=admin_user, subscription_id=subscription.pk)

    assert services.event_publish(type="case.created", data={"case_id": 1}) is None


@pytest.mark.django_db
def test_publish_enqueues_only_after_commit(admin_user, receiver, django_capture_on_commit_callbacks):
    subscribe(admin_user, receiver.url)

    with django_capture_on_commit_callbacks() as callbacks:
        services.event_publish(type="case.created", data={"case_id": 1})

    assert len(callbacks) == 1


@pytest.mark.django_db
def test_case_created_event_carries_codes_and_no_personal_data(admin_user, agent, receiver):
    subscribe(admin_user, receiver.url)
    case = make_case(actor=agent)

    signals.case_created.send(sender=ComplaintCase, case_id=case.pk, actor_id=agent.pk)

    data = Event.objects.get().data
    assert data == {
        "case_id": case.pk, "reference": case.reference, "state": "intake",
        "category": "collection_conduct", "severity": "normal", "escalation_level": 0,
    }


@pytest.mark.django_db
def test_case_transitioned_event_names_the_transition(admin_user, agent, receiver):
    subscribe(admin_user, receiver.url, events=["case.transitioned"])
    case = advance(make_case(actor=agent), actor=agent, steps=1)

    signals.case_transitioned.send(
        sender=ComplaintCase, case_id=case.pk, actor_id=agent.pk,
        transition="start_verification", from_state="intake", to_state="verify",
    )

    event = Event.objects.get()
    assert (event.type, event.data["transition"]) == (
        "case.transitioned", {"name": "start_verification", "from": "intake", "to": "verify"}
    )


@pytest.mark.django_db
def test_case_escalated_event_carries_the_level(admin_user, agent, receiver):
    subscribe(admin_user, receiver.url, events=["case.escalated"])
    case = make_case(actor=agent)

    signals.case_escalated.send(sender=ComplaintCase, case_id=case.pk, deadline_id=None, level=2)

    assert Event.objects.get().data["escalation"] == {"level": 2, "deadline_id": None, "deadline_kind": None}


@pytest.mark.django_db
def test_case_escalated_event_names_the_deadline_kind_the_sender_gives(admin_user, agent, receiver):
    subscribe(admin_user, receiver.url, events=["case.escalated"])
    case = make_case(actor=agent)

    signals.case_escalated.send(
        sender=ComplaintCase, case_id=case.pk, deadline_id=7, deadline_kind="resolve", level=1
    )

    assert Event.objects.get().data["escalation"] == {"level": 1, "deadline_id": 7, "deadline_kind": "resolve"}


@pytest.mark.django_db
def test_a_batch_of_escalations_publishes_one_event_per_step(admin_user, agent, receiver):
    subscribe(admin_user, receiver.url, events=["case.escalated"])
    first, second = make_case(actor=agent), make_case(actor=agent)

    signals.cases_escalated.send(sender=None, actor_id=None, escalations=[
        {"case_id": first.pk, "deadline_id": 7, "deadline_kind": "acknowledge", "level": 2},
        {"case_id": first.pk, "deadline_id": 7, "deadline_kind": "acknowledge", "level": 3},
        {"case_id": second.pk, "deadline_id": 8, "deadline_kind": "final_answer", "level": 1},
    ])

    assert sorted((e.data["case_id"], e.data["escalation"]["level"]) for e in Event.objects.all()) == [
        (first.pk, 2), (first.pk, 3), (second.pk, 1)
    ]


@pytest.mark.django_db
def test_a_batch_of_escalations_gives_each_event_its_delivery(admin_user, agent, receiver):
    subscription = subscribe(admin_user, receiver.url, events=["case.escalated"])
    case = make_case(actor=agent)

    signals.cases_escalated.send(sender=None, actor_id=None, escalations=[
        {"case_id": case.pk, "deadline_id": 7, "deadline_kind": "acknowledge", "level": 1},
        {"case_id": case.pk, "deadline_id": 7, "deadline_kind": "acknowledge", "level": 2},
    ])

    assert Delivery.objects.filter(subscription=subscription).values("event").distinct().count() == 2


# -- one attempt ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_successful_attempt_settles_the_delivery(admin_user, receiver):
    delivery = published_delivery(admin_user, receiver.url)

    outcome = services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (outcome.state, delivery.state, delivery.attempts, delivery.last_status_code) == (
        "delivered", "delivered", 1, 200
    )
    assert delivery.next_attempt_at is None


@pytest.mark.django_db
def test_attempt_posts_the_documented_body_and_headers(admin_user, receiver):
    delivery = published_delivery(admin_user, receiver.url)

    services.delivery_attempt(delivery_id=delivery.pk)

    request = receiver.requests[0]
    body = json.loads(request.body)
    assert set(body) == {"id", "type", "created_at", "data"}
    assert (request.headers["X-Event-Id"], request.headers["X-Event-Type"]) == (body["id"], "case.created")
    assert body["id"] == str(delivery.event_id)


@pytest.mark.django_db
def test_signature_is_hmac_sha256_of_the_raw_body(admin_user, receiver):
    delivery = published_delivery(admin_user, receiver.url)

    services.delivery_attempt(delivery_id=delivery.pk)

    request = receiver.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Signature"] == expected


@pytest.mark.django_db
def test_failed_attempt_is_recorded_and_rescheduled_after_the_base_delay(admin_user, receiver, settings):
    settings.WEBHOOK_RETRY_BASE = 20
    receiver.script = [500]
    delivery = published_delivery(admin_user, receiver.url)

    outcome = services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (outcome.retry_in, delivery.state, delivery.attempts, delivery.last_status_code) == (20, "pending", 1, 500)
    assert timezone.now() + timedelta(seconds=15) < delivery.next_attempt_at < timezone.now() + timedelta(seconds=21)
    assert list(DeliveryAttempt.objects.values_list("number", "status_code", "succeeded")) == [(1, 500, False)]


@pytest.mark.django_db
def test_failed_attempt_enqueues_the_retry_after_commit(admin_user, receiver, django_capture_on_commit_callbacks):
    receiver.script = [503]
    delivery = published_delivery(admin_user, receiver.url)

    with django_capture_on_commit_callbacks() as callbacks:
        services.delivery_attempt(delivery_id=delivery.pk)

    assert len(callbacks) == 1


@pytest.mark.django_db
def test_backoff_doubles_with_each_failed_attempt(settings):
    settings.WEBHOOK_RETRY_BASE = 10
    settings.WEBHOOK_RETRY_MAX_DELAY = 3600

    assert [services.retry_delay(n) for n in (1, 2, 3, 7)] == [10, 20, 40, 640]


@pytest.mark.django_db
def test_timeout_counts_as_a_failed_attempt(admin_user, receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.script = ["hang"]
    delivery = published_delivery(admin_user, receiver.url)

    services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error, delivery.last_status_code) == ("pending", "timeout", None)


@pytest.mark.django_db
def test_refused_connection_counts_as_a_failed_attempt(admin_user):
    delivery = published_delivery(admin_user, closed_port_url())

    services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("pending", 1, "ConnectionError")


@pytest.mark.django_db
def test_redirect_is_not_followed_and_counts_as_failure(admin_user, receiver):
    receiver.script = [302]
    delivery = published_delivery(admin_user, receiver.url)

    services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status_code, len(receiver.requests)) == ("pending", 302, 1)


@pytest.mark.django_db
def test_eighth_failed_attempt_settles_the_delivery_as_failed(admin_user, receiver):
    receiver.script = [500]
    delivery = published_delivery(admin_user, receiver.url)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=7)

    outcome = services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (outcome.retry_in, delivery.state, delivery.attempts, delivery.next_attempt_at) == (None, "failed", 8, None)


@pytest.mark.django_db
def test_delivered_delivery_is_not_sent_again(admin_user, receiver):
    delivery = published_delivery(admin_user, receiver.url)
    services.delivery_attempt(delivery_id=delivery.pk)

    outcome = services.delivery_attempt(delivery_id=delivery.pk)

    assert (outcome.attempted, len(receiver.requests)) == (False, 1)


@pytest.mark.django_db
def test_delivery_not_yet_due_is_not_sent(admin_user, receiver):
    delivery = published_delivery(admin_user, receiver.url)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    outcome = services.delivery_attempt(delivery_id=delivery.pk)

    assert (outcome.attempted, receiver.requests) == (False, [])


@pytest.mark.django_db
def test_private_target_is_refused_at_delivery_when_not_allowed(admin_user, receiver, settings):
    delivery = published_delivery(admin_user, receiver.url)
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.DEBUG = False

    services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error, receiver.requests) == ("failed", "refused: private_host", [])


@pytest.mark.django_db
def test_deactivating_a_subscription_cancels_its_pending_deliveries(admin_user, receiver):
    delivery = published_delivery(admin_user, receiver.url)

    services.subscription_deactivate(actor=admin_user, subscription_id=delivery.subscription_id)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.next_attempt_at) == (DeliveryState.CANCELLED, None)


@pytest.mark.django_db
def test_requeue_picks_only_due_pending_deliveries(admin_user, receiver, celery_queue):
    due = published_delivery(admin_user, receiver.url)
    services.event_publish(type="case.created", data={"case_id": 2})
    Delivery.objects.exclude(pk=due.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert services.deliveries_requeue_due() == 1


@pytest.mark.django_db
def test_broker_outage_at_publish_leaves_the_delivery_pending(
    admin_user, receiver, settings, django_capture_on_commit_callbacks
):
    from tests.escalation.brokers import free_port, use_broker

    subscribe(admin_user, receiver.url)
    with use_broker(settings, f"redis://127.0.0.1:{free_port()}/0"):
        with django_capture_on_commit_callbacks(execute=True):
            services.event_publish(type="case.created", data={"case_id": 1})

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert delivery.next_attempt_at <= timezone.now()


# -- DNS rebinding ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_connects_to_the_address_that_passed_the_check_not_a_second_answer(
    admin_user, receiver, settings, monkeypatch
):
    """A resolver that answers a public address first and 127.0.0.1 after (DNS rebinding): the
    delivery goes to the checked public address (unreachable here), never to the receiver."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    url = f"http://hooks.example.test:{port}/hooks"
    delivery = published_delivery(admin_user, url)
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.DEBUG = False
    settings.WEBHOOK_TIMEOUT = 0.5
    answers = iter(["192.0.2.10", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    asked = []
    real_getaddrinfo = socket.getaddrinfo
    connected_to = []
    import urllib3.util.connection

    real_create_connection = urllib3.util.connection.create_connection

    def resolver(host, *args, **kwargs):
        if host != "hooks.example.test":
            return real_getaddrinfo(host, *args, **kwargs)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (next(answers), port))]

    def create_connection(address, *args, **kwargs):
        connected_to.append(address[0])
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(services, "_address_is_public", lambda a: a == "192.0.2.10")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr("urllib3.util.connection.create_connection", create_connection)

    services.delivery_attempt(delivery_id=delivery.pk)

    assert (asked, receiver.requests) == (["hooks.example.test"], [])
    assert set(connected_to) == {"192.0.2.10"}


@pytest.mark.django_db
def test_the_pinned_delivery_still_names_the_host_in_the_host_header(admin_user, receiver, monkeypatch):
    port = int(receiver.url.split(":")[2].split("/")[0])
    real_getaddrinfo = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    delivery = published_delivery(admin_user, f"http://hooks.example.test:{port}/hooks")

    services.delivery_attempt(delivery_id=delivery.pk)

    assert [r.headers.get("Host") for r in receiver.requests] == [f"hooks.example.test:{port}"]
