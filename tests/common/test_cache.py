"""The Redis cache shares one redis-py client per connection pool."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches

from common.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not isinstance(caches["default"], RedisCache), reason="the suite's cache is not Redis"
)


def test_every_operation_uses_the_same_client():
    cache = caches["default"]._cache

    assert cache.get_client("a") is cache.get_client("b", write=True)


def test_values_round_trip_through_the_shared_client():
    cache = caches["default"]
    cache.set("shared-client-check", {"n": 1}, 30)

    assert cache.get("shared-client-check") == {"n": 1}


def test_threads_counting_on_the_shared_client_lose_no_increment():
    cache = caches["default"]
    cache.set("shared-client-counter", 0, 30)

    def count():
        for _ in range(200):
            cache.incr("shared-client-counter")

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert cache.get("shared-client-counter") == 800
