"""Session lifetime: a page session ends after 30 minutes without a request and 10 hours after login."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

LOGIN_AT = "_login_at"
LAST_SEEN = "_last_seen"


class SessionLifetimeMiddleware:
    """Stores the login time and, at most once a minute, the last request's time in the session
    and ends it when either limit has passed. Token-authenticated API requests carry no session and are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            granularity = settings.SESSION_ACTIVITY_GRANULARITY.total_seconds()
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds() + granularity
            too_old = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                logger.info("session expired", extra={"user_id": user.pk, "reason": "idle" if idle else "absolute"})
                logout(request)
                messages.info(request, _("Your session has ended; please log in again."))
            elif now - last_seen >= granularity:
                # Writing marks the session modified: it is saved and its cookie renewed.
                session[LAST_SEEN] = now
        return self.get_response(request)


def session_start(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: the 10 hours count from this login, even if the session key is reused."""
    if hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now
