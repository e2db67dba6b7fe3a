from __future__ import annotations


class NotificationBackend:
    """A channel a notification can travel through.

    `address(user)` says whether the user is reachable on the channel ("" if not); `send()` raises
    on failure so the delivery task can retry it.
    """

    channel: str = ""

    def address(self, user) -> str:
        raise NotImplementedError

    def send(self, notification) -> None:
        raise NotImplementedError
