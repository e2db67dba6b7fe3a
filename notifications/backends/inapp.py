from __future__ import annotations

from notifications.backends.base import NotificationBackend


class InAppBackend(NotificationBackend):
    """The stored notification row is the in-app message: every user is reachable, nothing to send."""

    channel = "inapp"

    def address(self, user) -> str:
        return str(user.pk)

    def send(self, notification) -> None:
        return None
