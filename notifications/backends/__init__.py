"""Notification channels behind one interface: `get_backend(channel).send(notification)`."""

from __future__ import annotations

from notifications.backends.base import NotificationBackend
from notifications.backends.email import EmailNotificationBackend
from notifications.backends.inapp import InAppBackend
from notifications.backends.sms import SmsNotificationBackend

BACKENDS: dict[str, type[NotificationBackend]] = {
    backend.channel: backend
    for backend in (InAppBackend, EmailNotificationBackend, SmsNotificationBackend)
}


def get_backend(channel: str) -> NotificationBackend:
    return BACKENDS[channel]()


__all__ = ["BACKENDS", "NotificationBackend", "get_backend"]
