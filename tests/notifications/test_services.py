"""notify(), deliveries and their backends."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from common.queue import enqueue_on_commit
from notifications import services
from notifications.backends.sms import BaseSmsBackend, LocmemSmsBackend, LoggingSmsBackend
from notifications.models import Delivery, Notification
from notifications.services import deliveries_enqueue_due, deliveries_send, notify

pytestmark = pytest.mark.django_db


class FailingSms(BaseSmsBackend):
    def send_sms(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


@pytest.fixture
def locmem_sms(settings):
    settings.SMS_BACKEND = "notifications.backends.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox = []
    return LocmemSmsBackend.outbox


def test_notify_stores_one_inapp_row_per_user(agent, supervisor):
    notify([agent, supervisor], "note", "标题", "正文")
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["agent", "supervisor"]


def test_notify_accepts_user_ids(agent):
    notify([agent.pk], "note", "标题")
    assert Notification.objects.get().recipient == agent


def test_notify_sends_each_user_one_notification(agent):
    notify([agent, agent.pk], "note", "标题")
    assert Notification.objects.count() == 1


def test_notify_skips_inactive_users(agent):
    agent.is_active = False
    agent.save()
    notify([agent], "note", "标题")
    assert Notification.objects.count() == 0


def test_notify_links_the_case_and_data(agent, supervisor):
    from tests.factories import make_case

    case = make_case(actor=agent)
    notify([supervisor], "escalation", "标题", case=case, data={"level": 2})
    assert Notification.objects.filter(case=case, data={"level": 2}).count() == 1


def test_notify_queues_email_only_for_users_with_an_address(reachable, auditor):
    agent, _ = reachable
    notify([agent, auditor], "note", "标题", channels=["inapp", "email"])
    assert list(Delivery.objects.values_list("notification__recipient__username", "channel")) == [("agent", "email")]


def test_notify_rejects_unknown_channel(agent):
    with pytest.raises(ValueError):
        notify([agent], "note", "标题", channels=["pigeon"])


def test_delivery_is_enqueued_after_commit(reachable, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(list(reachable), "note", "标题", channels=["email", "sms"])
    assert len(callbacks) == 1


def test_email_delivery_goes_through_django_mail(reachable, mailoutbox):
    notify([reachable[0]], "note", "案件预警", "正文", channels=["email"])
    deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert [(m.subject, m.to) for m in mailoutbox] == [("案件预警", ["user1@example.cn"])]


def test_sent_delivery_is_marked_sent(reachable, mailoutbox):
    notify([reachable[0]], "note", "标题", channels=["email"])
    deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert Delivery.objects.get().state == "sent"


def test_sent_delivery_is_not_sent_twice(reachable, mailoutbox):
    notify([reachable[0]], "note", "标题", channels=["email"])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    deliveries_send(delivery_ids=ids)
    deliveries_send(delivery_ids=ids)
    assert len(mailoutbox) == 1


def test_sms_goes_through_the_configured_backend(reachable, locmem_sms):
    notify([reachable[0]], "escalation", "紧急升级", "正文", channels=["sms"])
    deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert locmem_sms == [("13900000001", "紧急升级\n正文")]


def test_logging_sms_backend_never_logs_the_phone_in_clear(caplog):
    with caplog.at_level(logging.INFO, logger="notifications.backends.sms"):
        LoggingSmsBackend().send_sms("13912345678", "hello")
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "13912345678" not in logged and "139****5678" in logged


def test_failed_delivery_waits_for_a_retry(reachable, settings):
    settings.SMS_BACKEND = "tests.notifications.test_services.FailingSms"
    notify([reachable[0]], "escalation", "标题", channels=["sms"])
    retry = deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    delivery = Delivery.objects.get()
    assert (retry, delivery.state, delivery.attempts, delivery.next_attempt_at > timezone.now()) == (
        [delivery.pk], "pending", 1, True
    )


def test_failed_delivery_error_names_no_address(reachable, settings):
    settings.SMS_BACKEND = "tests.notifications.test_services.FailingSms"
    notify([reachable[0]], "escalation", "标题", channels=["sms"])
    deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert Delivery.objects.get().last_error == "ConnectionError"


def test_delivery_not_yet_due_for_retry_is_skipped(reachable, settings, locmem_sms):
    notify([reachable[0]], "escalation", "标题", channels=["sms"])
    Delivery.objects.update(attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert locmem_sms == []


def test_delivery_fails_for_good_after_the_last_attempt(reachable, settings):
    settings.SMS_BACKEND = "tests.notifications.test_services.FailingSms"
    notify([reachable[0]], "escalation", "标题", channels=["sms"])
    Delivery.objects.update(attempts=services.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    retry = deliveries_send(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert (retry, Delivery.objects.get().state) == ([], "failed")


def test_retry_delay_backs_off_exponentially():
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 20)] == [30, 60, 120, 3600]


def test_catch_up_enqueues_due_pending_deliveries(reachable, django_capture_on_commit_callbacks):
    notify(list(reachable), "note", "标题", channels=["email"])
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        count = deliveries_enqueue_due()
    assert (count, len(callbacks)) == (2, 1)


def test_catch_up_leaves_fresh_deliveries_to_their_own_task(reachable):
    notify(list(reachable), "note", "标题", channels=["email"])
    assert deliveries_enqueue_due() == 0


def test_enqueue_to_a_dead_broker_is_logged_not_raised(dead_broker, caplog, django_capture_on_commit_callbacks):
    from notifications.tasks import deliver_pending

    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit(deliver_pending)
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="common.queue"):
        callbacks[0]()
    assert (time.monotonic() - started < 1, [r.getMessage() for r in caplog.records]) == (
        True, ["could not enqueue task; it will be caught up"]
    )


def test_context_processor_counts_unread_lazily(agent, rf, django_assert_num_queries):
    from notifications.context_processors import unread_notifications

    notify([agent], "note", "一")
    request = rf.get("/")
    request.user = agent
    with django_assert_num_queries(0):
        context = unread_notifications(request)
    assert int(str(context["unread_notifications"])) == 1


def test_notify_accepts_a_one_shot_iterable(agent, supervisor):
    notify((u for u in (agent, supervisor)), "note", "标题")
    assert Notification.objects.count() == 2
