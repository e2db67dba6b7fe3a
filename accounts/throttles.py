"""Role-aware API throttles: per person, per integrating system, per address, and for the token endpoint.

They live here, not in `common`, because they tell people from API clients by role. Addresses
come from `common.net.client_ip` (only `TRUSTED_PROXY_COUNT` proxies' X-Forwarded-For is
believed), so a forged header does not make a new address.

The per-request throttles (user, client, anon) count in Redis with one round trip: a counter
per rate window, and the previous window's count weighted by how much of it still overlaps the
last `duration` seconds (a sliding-window estimate). DRF's own throttle reads and rewrites a
list of every request time in the window (6,000 entries at 6000/min) twice per request. The
token-endpoint throttles keep DRF's exact log: they count few requests and fall back to a
per-process count when Redis is down.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from accounts.roles import Role
from common.net import client_ip

logger = logging.getLogger(__name__)

# When Redis is unreachable the authentication limits count in this process instead: each worker
# then allows the rate on its own, which is weaker than one shared count but never unlimited.
_FALLBACK_CACHE = LocMemCache("auth-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class _LiveRateMixin(throttling.SimpleRateThrottle):
    """Rates read from settings at request time (so `settings`/env changes apply), addresses from
    `client_ip`, and a throttle whose cache is unreachable lets the request through rather than
    failing it (the authentication throttles below override that: they fall back)."""

    scope: str
    fail_closed = False

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def get_ident(self, request: Request) -> str:
        return client_ip(request) or "unknown"

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning(
                "throttle cache unavailable",
                extra={"scope": self.scope, "error": type(exc).__name__, "fallback": self.fail_closed},
            )
            if not self.fail_closed:
                return True
            self.cache = _FALLBACK_CACHE
            return super().allow_request(request, view)


class _WindowCounter(throttling.SimpleRateThrottle):
    """A sliding-window estimate over two fixed-window counters in Redis, in one round trip.

    Elsewhere than on the Redis default cache (a fallback cache, tests' local memory) it is DRF's
    request-time log.
    """

    _retry_after: float | None = None
    num_requests: int
    duration: int

    def allow_request(self, request: Request, view: Any) -> bool:
        backend = caches["default"] if self.cache is default_cache else None
        if self.rate is None or not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        duration = int(self.duration)
        now = self.timer()
        window, elapsed = divmod(now, duration)
        current = backend.make_key(f"{self.key}_{int(window)}")
        previous = backend.make_key(f"{self.key}_{int(window) - 1}")
        client = backend._cache.get_client(current, write=True)
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(current)
            pipe.expire(current, duration * 2)
            pipe.get(previous)
            count, _expire, before = pipe.execute()
        estimate = int(before or 0) * (1 - elapsed / duration) + int(count)
        if estimate <= self.num_requests:
            return True
        client.decr(current)  # a refused request does not use up the allowance
        self._retry_after = duration - elapsed
        return False

    def wait(self) -> float | None:
        if self._retry_after is not None:
            return max(self._retry_after, 1.0)
        return super().wait()


class UserThrottle(_LiveRateMixin, _WindowCounter, throttling.UserRateThrottle):
    """Per person using the browser or a personal token (`THROTTLE_USER_RATE`)."""

    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated and request.user.has_role(Role.API_CLIENT):
            return None
        return super().get_cache_key(request, view)


class ClientThrottle(_LiveRateMixin, _WindowCounter, throttling.UserRateThrottle):
    """Per integrating system, i.e. per API-client account (`THROTTLE_CLIENT_RATE`)."""

    scope = "client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated and request.user.has_role(Role.API_CLIENT)):
            return None
        return super().get_cache_key(request, view)


class AnonThrottle(_LiveRateMixin, _WindowCounter, throttling.AnonRateThrottle):
    """Unauthenticated requests, per address (`THROTTLE_ANON_RATE`)."""

    scope = "anon"


class AuthThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    """Token requests per address, against password guessing (`THROTTLE_AUTH_RATE`).

    The token view authenticates nobody, so every request counts as anonymous here.
    """

    scope = "auth"
    fail_closed = True


class AuthUsernameThrottle(_LiveRateMixin, throttling.SimpleRateThrottle):
    """Token requests per username, from any number of addresses (`THROTTLE_AUTH_RATE`)."""

    scope = "auth"
    fail_closed = True

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username")
        if not isinstance(username, str) or not username:
            return None  # the view answers 400; the per-address limit still counts it
        # Hashed: the cache holds no user names.
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": "auth_username", "ident": digest}


class ImportThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    """Bulk imports per account (`THROTTLE_IMPORT_RATE`), on top of the per-person and per-client limits:
    one request creates up to 1,000 cases."""

    scope = "import"


class PiiRevealThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    """Personal-data reveals per person (`THROTTLE_PII_REVEAL_RATE`), on top of the general limits.

    Fails closed like the authentication limits: a dead Redis must not lift the cap on unmasking.
    """

    scope = "pii_reveal"
    fail_closed = True
