"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` around the pool on every cache
operation, and redis-py's constructor fills a table of ~170 response callbacks each time: a
quarter of a millisecond on each request of the throttles alone. A client over a pool is
thread-safe (the pool hands each command a connection), so one per pool serves the process.
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in django-stubs
        client = self._clients.get(id(pool))
        if client is None:
            # Pools live as long as this object (Django keeps them), so their ids stay theirs.
            client = self._clients[id(pool)] = redis.Redis(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache` with `SharedRedisCacheClient`."""

    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = SharedRedisCacheClient
