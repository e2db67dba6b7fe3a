"""Webhook subscriptions, event publishing and delivery attempts.

Publishing writes an `Event` and one `Delivery` per matching subscription in one transaction and
enqueues `webhooks.deliver` after commit. Each attempt first claims its row
(`common.outbox.claim_due`, a lease on `next_attempt_at`), so duplicate tasks, a retry sweep and a
crashed worker never send one delivery twice at the same time. Logs carry ids, types and status codes only: never
URLs (they may hold tokens), secrets or payloads.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common import outbox
from common.exceptions import ActionNotPermitted, NotFound, ValidationFailed
from webhooks.models import Delivery, DeliveryAttempt, DeliveryState, Event, EventType, Subscription

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

SECRET_MIN_LENGTH = 16
USER_AGENT = "complaints-cms-webhooks/1"
# Tasks may arrive a moment before the row's due time (clock rounding); accept that much.
DUE_TOLERANCE = timedelta(seconds=1)


# -- signing and the target policy ------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """The `X-Signature` header value: `sha256=<hex HMAC-SHA256 of the raw body>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def private_hosts_allowed() -> bool:
    return bool(settings.WEBHOOK_ALLOW_PRIVATE_HOSTS or settings.DEBUG)


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target_resolve(url: str) -> tuple[tuple[str, str] | None, str | None]:
    """Check `url` and resolve its host once: (refusal, None) or (None, the address to connect to).

    Only http(s). Unless private hosts are allowed, every address the host resolves to must be
    public: loopback, private, link-local (cloud metadata) and reserved ranges are refused. The
    delivery then connects to the returned address itself (`PinnedAddressAdapter`), so a second
    DNS answer (rebinding) can never send it elsewhere.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("invalid", _("Enter a valid URL.")), None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ("invalid", _("Enter an http or https URL.")), None
    try:
        infos = socket.getaddrinfo(
            parts.hostname, port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError):
        return ("unresolvable", _("The host name cannot be resolved.")), None
    addresses = [str(info[4][0]) for info in infos]
    if not private_hosts_allowed() and (not addresses or not all(_address_is_public(a) for a in addresses)):
        return ("private_host", _("Webhook targets on loopback or private network addresses are not allowed.")), None
    if not addresses:
        return ("unresolvable", _("The host name cannot be resolved.")), None
    return None, addresses[0]


def target_refusal(url: str) -> tuple[str, str] | None:
    """Why `url` may not receive webhooks, as (code, message), or None when it may."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        return "invalid", _("Enter a valid URL.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "invalid", _("Enter an http or https URL.")
    if private_hosts_allowed():
        return None
    return target_resolve(url)[0]


class PinnedAddressAdapter(requests.adapters.HTTPAdapter):
    """Connects to one given address whatever the URL's host resolves to now; the Host header,
    TLS SNI and the certificate check still use the URL's host name."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        self.address = address
        super().__init__(**kwargs)

    def get_connection_with_tls_context(
        self, request: requests.PreparedRequest, verify: bool | str, proxies: Any = None, cert: Any = None
    ) -> Any:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        hostname = host_params["host"]
        host_params["host"] = self.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = hostname
            pool_kwargs["assert_hostname"] = hostname
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


# -- subscriptions ----------------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if not actor.has_perm("webhooks.manage_subscription"):
        raise ActionNotPermitted(_("Only administrators may manage webhooks."))


def subscription_create(*, actor: User, url: str, events: list[str], secret: str = "") -> tuple[Subscription, str]:
    """Subscribe `url` to `events`; returns the subscription and its signing secret.

    Shape checks happen in the API serializer; this enforces the admin role, known event
    types, the secret's length and the target policy. A missing secret is generated.
    Raises ActionNotPermitted, ValidationFailed.
    """
    _require_admin(actor)
    errors: dict[str, list[tuple[str, str]]] = {}
    unknown = sorted(set(events) - set(EventType.values))
    if not events or unknown:
        errors["events"] = [(
            "invalid_choice",
            _("Unknown event type: %(types)s") % {"types": ", ".join(unknown)}
            if unknown
            else _("Name at least one event type."),
        )]
    if secret and len(secret) < SECRET_MIN_LENGTH:
        errors["secret"] = [(
            "min_length",
            _("Ensure the secret has at least %(n)d characters.") % {"n": SECRET_MIN_LENGTH},
        )]
    refusal = target_refusal(url)
    if refusal:
        errors["url"] = [refusal]
    if errors:
        raise ValidationFailed(errors)
    secret = secret or secrets.token_urlsafe(32)
    subscription = Subscription(url=url, events=sorted(set(events)), created_by=actor)
    subscription.secret = secret
    subscription.save()
    logger.info("webhook subscription created", extra={"subscription_id": subscription.pk})
    return subscription, secret


def subscription_deactivate(*, actor: User, subscription_id: int) -> None:
    """Stop sending to a subscription (nothing is hard-deleted); its pending deliveries are cancelled."""
    _require_admin(actor)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().filter(pk=subscription_id, is_active=True).first()
        )
        if subscription is None:
            raise NotFound(_("No such webhook subscription."))
        subscription.is_active = False
        subscription.deactivated_at = timezone.now()
        subscription.save(update_fields=["is_active", "deactivated_at"])
        Delivery.objects.filter(subscription=subscription, state=DeliveryState.PENDING).update(
            state=DeliveryState.CANCELLED, next_attempt_at=None
        )
    logger.info("webhook subscription deactivated", extra={"subscription_id": subscription_id})


# -- publishing -------------------------------------------------------------------------------

# Subscriptions change rarely but events come by the thousand (an escalation sweep): each process
# keeps the active (id, events) list for a few seconds. Saving or deleting a subscription clears
# it in this process at once (webhooks.apps); other processes see the change within the TTL.
SUBSCRIBERS_TTL = 5.0
_subscribers: tuple[float, list[tuple[int, list[str]]]] | None = None


def subscribers_forget(**_kwargs: Any) -> None:
    """Drop this process's cached subscription list (connected to Subscription save/delete)."""
    global _subscribers
    _subscribers = None


def _subscriber_ids(event_type: str) -> list[int]:
    global _subscribers
    now = time.monotonic()
    if _subscribers is None or now - _subscribers[0] > SUBSCRIBERS_TTL:
        rows = list(Subscription.objects.filter(is_active=True).values_list("id", "events"))
        _subscribers = (now, rows)
    return [pk for pk, events in _subscribers[1] if event_type in events]



def event_publish(
    *, type: str, data: dict[str, Any] | Callable[[], dict[str, Any] | None]
) -> Event | None:
    """Record an event and a delivery for each active subscription that wants it.

    Call from a signal receiver after commit, or inside the caller's transaction (the rows then
    commit or roll back with it). Deliveries are enqueued after commit. `data` must be JSON and
    free of personal data; pass a function to build it only when someone subscribes. Returns
    None when nobody subscribes to `type` or the function returns None.
    """
    events = events_publish(type=type, data=lambda: [data() if callable(data) else data])
    return events[0] if events else None


def events_publish(
    *, type: str, data: list[dict[str, Any] | None] | Callable[[], list[dict[str, Any] | None]]
) -> list[Event]:
    """`event_publish` for many events of one type (the escalation sweep's batches): one event per
    payload that is not None, in two INSERTs for any number. Returns the events recorded."""
    if type not in EventType.values:
        raise ValueError(f"unknown webhook event type {type!r}")
    subscribers = _subscriber_ids(type)
    if not subscribers:
        return []
    payloads = [p for p in (data() if callable(data) else data) if p is not None]
    if not payloads:
        return []
    now = timezone.now()
    with transaction.atomic():
        events = Event.objects.bulk_create(Event(type=type, data=payload) for payload in payloads)
        deliveries = Delivery.objects.bulk_create(
            Delivery(event=event, subscription_id=pk, next_attempt_at=now) for event in events for pk in subscribers
        )
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: delivery_enqueue(delivery_ids=ids))
    for event in events:
        logger.info(
            "webhook event published",
            extra={"event_id": str(event.pk), "event_type": type, "deliveries": len(subscribers)},
        )
    return events


def delivery_enqueue(*, delivery_ids: list[int], countdown: float | None = None) -> None:
    """Enqueue `webhooks.deliver` for each delivery; a broker outage leaves them pending for the sweep."""
    from webhooks.tasks import deliver

    for delivery_id in delivery_ids:
        try:
            deliver.apply_async(args=(delivery_id,), countdown=countdown)  # type: ignore[arg-type]
        except Exception:  # the broker is down: the row stays pending and `retry_pending` resends it
            logger.warning("webhook delivery not enqueued", extra={"delivery_id": delivery_id}, exc_info=True)


def deliveries_requeue_due(*, limit: int = 500) -> int:
    """Enqueue pending deliveries whose next attempt is due (after a broker outage or lost task)."""
    return outbox.requeue_due(
        Delivery, enqueue=lambda ids: delivery_enqueue(delivery_ids=ids), now=timezone.now(), limit=limit
    )


# -- delivering -------------------------------------------------------------------------------


def event_body(event: Event) -> bytes:
    """The exact bytes POSTed (and signed): the same for every attempt of every delivery."""
    payload = {
        "id": str(event.pk),
        "type": event.type,
        "created_at": timezone.localtime(event.created_at).isoformat(),
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: base, 2×base, 4×base, …"""
    return outbox.backoff_delay(attempts, base=settings.WEBHOOK_RETRY_BASE, cap=settings.WEBHOOK_RETRY_MAX_DELAY)


@dataclass(frozen=True)
class AttemptOutcome:
    attempted: bool
    state: str
    retry_in: float | None = None


def _post(subscription: Subscription, event: Event, attempt: int, address: str) -> tuple[int | None, str]:
    """POST the event once to `address`; returns (status code, error text). Redirects are not followed."""
    body = event_body(event)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Event-Id": str(event.pk),
        "X-Event-Type": event.type,
        "X-Delivery-Attempt": str(attempt),
        "X-Signature": sign(body, subscription.secret),
        # The connection goes to the pinned address; the receiver still sees its own host name.
        "Host": urlsplit(subscription.url).netloc.rsplit("@", 1)[-1],
    }
    try:
        # stream=True: only the status matters, so the receiver's body is never downloaded.
        session = requests.Session()
        session.trust_env = False  # no proxy from the environment: it would resolve the host again
        adapter = PinnedAddressAdapter(address)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        with session, session.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            status = response.status_code
    except requests.Timeout:
        return None, "timeout"
    except requests.RequestException as exc:
        return None, type(exc).__name__
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def delivery_attempt(*, delivery_id: int) -> AttemptOutcome:
    """Make one attempt at a due delivery and record it.

    Exits without sending when the delivery is settled, not yet due or claimed by another
    worker. Success (2xx) settles it as delivered; a failure schedules the next attempt with
    exponential backoff, up to WEBHOOK_MAX_ATTEMPTS, then settles it as failed. A target the
    policy now refuses fails at once. The next attempt is enqueued after commit.
    """
    now = timezone.now()
    claimed = outbox.claim_due(
        Delivery, ids=[delivery_id], now=now, due=Q(next_attempt_at__lte=now + DUE_TOLERANCE), updated_at=now
    )
    if not claimed:
        state = Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
        return AttemptOutcome(attempted=False, state=state or "")

    delivery = Delivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    subscription, event = delivery.subscription, delivery.event
    number = delivery.attempts + 1
    if not subscription.is_active:
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.CANCELLED, next_attempt_at=None, updated_at=timezone.now()
        )
        return AttemptOutcome(attempted=False, state=DeliveryState.CANCELLED)

    refusal, address = target_resolve(subscription.url)
    started = time.monotonic()
    if refusal or address is None:
        status, error = None, f"refused: {refusal[0] if refusal else 'unresolvable'}"
    else:
        status, error = _post(subscription, event, number, address)
    duration_ms = int((time.monotonic() - started) * 1000)
    succeeded = status is not None and 200 <= status < 300

    retry_in: float | None = None
    finished = timezone.now()
    fields: dict[str, Any] = {
        "attempts": number,
        "last_status_code": status,
        "last_error": error[:500],
        "updated_at": finished,
    }
    if succeeded:
        fields.update(state=DeliveryState.DELIVERED, delivered_at=finished, next_attempt_at=None)
    elif refusal or number >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(state=DeliveryState.FAILED, next_attempt_at=None)
    else:
        retry_in = retry_delay(number)
        fields.update(next_attempt_at=finished + timedelta(seconds=retry_in))
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery_id=delivery_id,
            number=number,
            status_code=status,
            error=error[:500],
            duration_ms=duration_ms,
            succeeded=succeeded,
        )
        # Conditional: a subscription deactivated meanwhile keeps its delivery cancelled.
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING, attempts=number - 1).update(**fields)
        if retry_in is not None:
            delay = retry_in
            transaction.on_commit(lambda: delivery_enqueue(delivery_ids=[delivery_id], countdown=delay))
    logger.info(
        "webhook delivery attempted",
        extra={
            "delivery_id": delivery_id,
            "event_type": event.type,
            "attempt": number,
            "status_code": status,
            "state": fields.get("state", DeliveryState.PENDING),
        },
    )
    return AttemptOutcome(attempted=True, state=fields.get("state", DeliveryState.PENDING), retry_in=retry_in)
