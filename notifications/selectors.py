"""Reads of notifications, always the actor's own (for the API and for pages)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from notifications.models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def notification_list_for(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, newest first, with the case a row links to."""
    qs = Notification.objects.filter(recipient=actor).select_related("case").order_by("-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_unread_count_for(*, actor: User | AnonymousUser) -> int:
    if not actor.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def notification_sent_since(*, recipients: Iterable[int], kind: str, since: datetime, data: dict[str, Any]) -> bool:
    """Whether any of `recipients` got a `kind` notification carrying `data` (a subset) since then.

    For senders that notify once per period (e.g. the personal-data reveal alert); read through
    each recipient's own index.
    """
    return Notification.objects.filter(
        recipient_id__in=list(recipients), kind=kind, created_at__gte=since, data__contains=data
    ).exists()
