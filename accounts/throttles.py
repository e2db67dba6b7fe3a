"""Role-aware API throttles: per person, per integrating system, per address, and for the token endpoint.

They live here, not in `common`, because they tell people from API clients by role.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

from accounts.roles import Role

logger = logging.getLogger(__name__)


class _LiveRateMixin(throttling.SimpleRateThrottle):
    """Rates read from settings at request time (so `settings`/env changes apply), and a
    throttle whose cache is unreachable lets the request through rather than failing it."""

    scope: str

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning(
                "throttle cache unavailable", extra={"scope": self.scope, "error": type(exc).__name__}
            )
            return True


class UserThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    """Per person using the browser or a personal token (`THROTTLE_USER_RATE`)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated and request.user.has_role(Role.API_CLIENT):
            return None
        return super().get_cache_key(request, view)


class ClientThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    """Per integrating system, i.e. per API-client account (`THROTTLE_CLIENT_RATE`)."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated and request.user.has_role(Role.API_CLIENT)):
            return None
        return super().get_cache_key(request, view)


class AnonThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    """Unauthenticated requests, per address (`THROTTLE_ANON_RATE`)."""

    scope = "anon"


class AuthThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    """Token requests per address, against password guessing (`THROTTLE_AUTH_RATE`).

    The token view authenticates nobody, so every request counts as anonymous here.
    """

    scope = "auth"
