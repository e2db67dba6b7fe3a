"""Every write of notifications: create (all channels), deliver, mark read.

`notify()` runs inside the caller's transaction: the in-app rows and the delivery rows commit
with the caller's change, and the outbound sending is enqueued after commit. The database rows
are the truth: if the broker is down, the enqueue is logged and the catch-up task
(`notifications.deliver_pending`) sends the pending deliveries later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common import outbox
from common.bulk import insert_rows
from common.exceptions import NotFound
from common.queue import enqueue_on_commit
from notifications.backends import BACKENDS, get_backend
from notifications.models import Channel, Delivery, DeliveryState, Notification

if TYPE_CHECKING:
    from accounts.models import User
else:
    User = get_user_model()

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
DELIVERY_CHUNK = 200
# A pending delivery whose enqueue was lost is picked up by the catch-up task after this.
CATCH_UP_AFTER = timedelta(minutes=1)


RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 3600.0


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff between delivery attempts: 30 s, 60 s, 120 s, ... capped at 1 h."""
    return timedelta(seconds=outbox.backoff_delay(attempts, base=RETRY_BASE_SECONDS, cap=RETRY_MAX_SECONDS))


@dataclass
class Message:
    """One notification to send to several users (see `notify_bulk`)."""

    recipients: Iterable[Any]  # User objects or ids
    kind: str
    title: str
    body: str = ""
    case_id: int | None = None
    channels: Sequence[str] = (Channel.INAPP,)
    data: dict[str, Any] = field(default_factory=dict)
    is_drill: bool = False


def notify(
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    case: Any = None,
    channels: Sequence[str] = (Channel.INAPP,),
    *,
    data: dict[str, Any] | None = None,
    is_drill: bool = False,
) -> list[Notification]:
    """Notify `users` (User objects or ids) in-app and through the outbound `channels`.

    Call inside the caller's transaction. In-app is always included; a user without an e-mail
    address or phone gets no delivery on that channel. Sending happens after commit, by Celery.
    """
    ids = notify_bulk(
        [
            Message(
                recipients=users,
                kind=kind,
                title=title,
                body=body,
                case_id=getattr(case, "pk", case),
                channels=channels,
                data=data or {},
                is_drill=is_drill,
            )
        ]
    )
    return list(Notification.objects.filter(pk__in=ids).order_by("pk"))


def notify_bulk(messages: Sequence[Message]) -> list[int]:
    """`notify()` for many messages at once, in a constant number of queries for any batch size.

    Returns the ids of the notifications created.
    """
    unknown = {c for m in messages for c in m.channels} - set(BACKENDS)
    if unknown:
        raise ValueError(f"unknown notification channels: {sorted(unknown)}")
    recipients = [list(m.recipients) for m in messages]  # iterables may be one-shot
    users = _load_users({_user_id(u) for group in recipients for u in group})
    backends = {c: get_backend(c) for c in BACKENDS if c != Channel.INAPP}
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    outbound: list[tuple[int, str]] = []  # (index in rows, channel)
    for message, group in zip(messages, recipients, strict=True):
        kind, title, body = str(message.kind), str(message.title)[:200], str(message.body)
        seen: set[int] = set()
        for recipient in group:
            user = users.get(_user_id(recipient))
            if user is None or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append((user.pk, kind, title, body, message.case_id, message.data, message.is_drill, now))
            for channel in message.channels:
                if channel != Channel.INAPP and backends[channel].address(user):
                    outbound.append((len(rows) - 1, channel))
    ids = insert_rows(
        Notification,
        ["recipient_id", "kind", "title", "body", "case_id", "data", "is_drill", "created_at"],
        rows,
    )
    if outbound:
        catch_up_at = now + CATCH_UP_AFTER
        delivery_ids = insert_rows(
            Delivery,
            ["notification_id", "channel", "state", "attempts", "next_attempt_at", "last_error", "created_at"],
            [(ids[i], channel, DeliveryState.PENDING.value, 0, catch_up_at, "", now) for i, channel in outbound],
        )
        _enqueue_deliveries(delivery_ids)
    return ids


def _user_id(user: Any) -> int:
    return user if isinstance(user, int) else int(user.pk)


def _load_users(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True).only("pk", "email", "phone")}


def _enqueue_deliveries(delivery_ids: list[int]) -> None:
    from notifications.tasks import deliver_notifications

    for start in range(0, len(delivery_ids), DELIVERY_CHUNK):
        enqueue_on_commit(deliver_notifications, delivery_ids[start : start + DELIVERY_CHUNK])


def deliveries_send(*, delivery_ids: Sequence[int]) -> list[int]:
    """Send the pending deliveries among `delivery_ids` that are due; returns the ids to retry.

    Each row is claimed first (`common.outbox.claim_due`, which also counts the attempt), so a
    duplicate task or the catch-up run never sends the same row twice at once. A failure sets
    the next attempt time (backoff), when the catch-up task (`notifications.deliver_pending`,
    every 30 s) enqueues it again; after MAX_ATTEMPTS the row is failed. Error messages are not
    stored (they may name an address): only the exception class.
    """
    now = timezone.now()
    # A fresh row is due at once for its own task; `next_attempt_at` is then only the catch-up time.
    claimed = outbox.claim_due(
        Delivery,
        ids=delivery_ids,
        now=now,
        due=Q(attempts=0) | Q(next_attempt_at__lte=now),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return []
    rows = list(Delivery.objects.select_related("notification__recipient").filter(pk__in=claimed).order_by("pk"))
    retry: list[int] = []
    for delivery in rows:
        try:
            get_backend(delivery.channel).send(delivery.notification)
        except Exception as exc:
            delivery.last_error = type(exc).__name__[:200]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                logger.error(
                    "notification delivery failed for good",
                    extra={"delivery_id": delivery.pk, "channel": delivery.channel, "error": delivery.last_error},
                )
            else:
                delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
                retry.append(delivery.pk)
                logger.warning(
                    "notification delivery failed; will retry",
                    extra={"delivery_id": delivery.pk, "channel": delivery.channel, "error": delivery.last_error},
                )
        else:
            delivery.state = DeliveryState.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
    Delivery.objects.bulk_update(rows, ["state", "sent_at", "last_error", "next_attempt_at"])
    return retry


def deliveries_enqueue_due(*, limit: int = 5000) -> int:
    """Re-enqueue pending deliveries whose next attempt time has passed (catch-up after a lost
    enqueue, a dead broker or a killed worker). Returns how many were enqueued."""
    with transaction.atomic():  # the tasks are published when this block commits
        return outbox.requeue_due(Delivery, enqueue=_enqueue_deliveries, now=timezone.now(), limit=limit)


def notification_mark_read(*, actor: User, notification_id: Any) -> Notification:
    """Mark one of the actor's notifications read (idempotent). NotFound for anyone else's."""
    try:
        notification_id = int(notification_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such notification.")) from None
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


__all__ = [
    "Message",
    "deliveries_enqueue_due",
    "deliveries_send",
    "notification_mark_all_read",
    "notification_mark_read",
    "notify",
    "notify_bulk",
]
