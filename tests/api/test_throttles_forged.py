"""Throttles that a forged X-Forwarded-For, many usernames or a dead Redis do not side-step."""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.settings import api_settings

from accounts import throttles
from common.net import client_ip

URL = "/api/v1/auth/token/"


@pytest.fixture
def fresh_throttles():
    redis = cache._cache.get_client(write=True)
    for key in redis.scan_iter(match=cache.make_key("throttle_*")):
        redis.delete(key)
    throttles._FALLBACK_CACHE.clear()


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, **rates},
    }


def _random_ip(rng: random.Random) -> str:
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


@pytest.mark.django_db
def test_forty_token_requests_with_forged_forwarded_for_end_in_429s(api, callcenter, settings, fresh_throttles):
    _rates(settings, auth="30/min")
    rng = random.Random(11)
    client = api(None)

    statuses = [
        client.post(
            URL,
            {"username": f"guess-{n}", "password": "x"},  # axes locks per username: vary it
            format="json",
            HTTP_X_FORWARDED_FOR=_random_ip(rng),
        ).status_code
        for n in range(40)
    ]

    assert statuses[:30] == [400] * 30 and statuses[30:] == [429] * 10


@pytest.mark.django_db
def test_the_token_limit_counts_per_username_across_addresses(api, callcenter, settings, fresh_throttles):
    _rates(settings, auth="3/min")
    settings.TRUSTED_PROXY_COUNT = 1  # each request then really comes from another address
    rng = random.Random(5)
    client = api(None)

    statuses = [
        client.post(
            URL, {"username": "callcenter", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR=_random_ip(rng)
        ).status_code
        for _ in range(4)
    ]
    other = client.post(
        URL, {"username": "someone-else", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR=_random_ip(rng)
    )

    assert (statuses, other.status_code) == ([400, 400, 400, 429], 400)


@pytest.mark.django_db
def test_auth_limit_falls_back_to_a_per_process_count_when_redis_is_down(
    api, callcenter, settings, fresh_throttles, monkeypatch
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    _rates(settings, auth="2/min")

    def dead(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr(throttles.AuthThrottle, "cache", type("Dead", (), {"get": dead, "set": dead})())
    monkeypatch.setattr(
        throttles.AuthUsernameThrottle, "cache", type("Dead", (), {"get": dead, "set": dead})()
    )
    client = api(None)

    statuses = [
        client.post(URL, {"username": "callcenter", "password": "x"}, format="json").status_code for _ in range(3)
    ]

    assert statuses == [400, 400, 429]


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"


def test_with_one_trusted_proxy_the_last_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request("10.0.0.5", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_with_two_trusted_proxies_the_client_s_own_claims_are_not_used(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.0.0.4")) == "203.0.113.9"


def test_a_short_or_garbled_forwarded_header_falls_back_to_the_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert [client_ip(_request("10.0.0.5", h)) for h in ("203.0.113.9", "junk, 10.0.0.4")] == [
        "10.0.0.5", "10.0.0.5"
    ]


def test_the_redis_cache_has_short_socket_timeouts(settings):
    options = settings.CACHES["default"]["OPTIONS"]

    assert 0 < options["socket_connect_timeout"] <= 1 and 0 < options["socket_timeout"] <= 1
