from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from notifications.backends.base import NotificationBackend


class EmailNotificationBackend(NotificationBackend):
    """Sends through Django's mail framework (settings.EMAIL_BACKEND)."""

    channel = "email"

    def address(self, user) -> str:
        return user.email or ""

    def send(self, notification) -> None:
        send_mail(
            subject=notification.title,
            message=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
            fail_silently=False,
        )
