"""Template context for pages: the signed-in user's unread notification count, queried only
when a template uses it."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from notifications.selectors import notification_unread_count_for


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count_for(actor=user))}
