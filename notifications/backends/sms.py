"""SMS: a pluggable gateway named by settings.SMS_BACKEND, and the channel that uses it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from common.pii import PiiKind, mask
from notifications.backends.base import NotificationBackend

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or failed to take the message; the delivery is retried."""


class BaseSmsBackend:
    """Implement `send_sms` for a real gateway and point settings.SMS_BACKEND at the class."""

    def send_sms(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Default gateway: writes the message to the log, with the phone number masked."""

    def send_sms(self, phone: str, text: str) -> None:
        logger.info(
            "sms sent (logging backend)",
            extra={"phone": mask(phone, PiiKind.PHONE), "length": len(text)},
        )


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in memory, like Django's locmem mail backend; for tests."""

    outbox: list[tuple[str, str]] = []

    def send_sms(self, phone: str, text: str) -> None:
        LocmemSmsBackend.outbox.append((phone, text))


def get_sms_gateway() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


class SmsNotificationBackend(NotificationBackend):
    channel = "sms"

    def address(self, user) -> str:
        return getattr(user, "phone", "") or ""

    def send(self, notification) -> None:
        text = notification.title if not notification.body else f"{notification.title}\n{notification.body}"
        get_sms_gateway().send_sms(notification.recipient.phone, text[:500])
