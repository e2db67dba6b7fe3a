"""The one error shape, request-size limit and throttles (docs/api-guide.md "Basics")."""

import logging
import socket

import pytest
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.settings import api_settings

from common.api import exception_handler
from common.exceptions import ConflictError, TransitionNotAllowed, ValidationFailed
from tests.api.conftest import case_url, error_codes
from tests.factories import UserFactory, case_payload

URL = "/api/v1/complaints/"


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, **rates},
    }


@pytest.fixture
def fresh_throttles():
    """Throttle history lives in Redis across runs; start each throttle test from zero."""
    redis = cache._cache.get_client(write=True)
    for key in redis.scan_iter(match=cache.make_key("throttle_*")):
        redis.delete(key)


@pytest.mark.django_db
def test_user_throttle_answers_429_with_retry_after(api, settings, agent, fresh_throttles):
    _rates(settings, user="2/min")
    client = api(agent)
    client.get(URL)
    client.get(URL)

    response = client.get(URL)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert error_codes(response) == {None: "throttled"}


@pytest.mark.django_db
def test_user_throttle_counts_each_user_separately(api, settings, agent, supervisor, fresh_throttles):
    _rates(settings, user="1/min")
    api(agent).get(URL)

    assert api(supervisor).get(URL).status_code == 200


@pytest.mark.django_db
def test_client_throttle_limits_api_clients_at_their_own_rate(
    api, settings, callcenter, agent, fresh_throttles
):
    _rates(settings, client="1/min", user="100/min")
    api(callcenter).get(URL)

    assert api(callcenter).get(URL).status_code == 429
    assert api(agent).get(URL).status_code == 200


@pytest.mark.django_db
def test_token_endpoint_is_throttled_per_address(api, settings, fresh_throttles):
    _rates(settings, auth="1/min")
    api(None).post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json")

    response = api(None).post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json")

    assert response.status_code == 429
    assert "Retry-After" in response


@pytest.mark.django_db
def test_a_patch_body_over_one_megabyte_is_a_413(api, agent, case_a):
    response = api(agent).patch(case_url(case_a), {"description": "x" * (1024 * 1024 + 1)}, format="json")

    assert response.status_code == 413
    assert response.json()["type"] == "request_too_large"


def test_validation_failed_lists_every_field_with_its_code():
    exc = ValidationFailed(
        {"summary": [("required", "必填")], "complainant.phone": [("invalid_phone", "号码无效")]}
    )

    body = exception_handler(exc, {}).data

    assert body == {
        "type": "validation_error",
        "errors": [
            {"attr": "summary", "code": "required", "detail": "必填"},
            {"attr": "complainant.phone", "code": "invalid_phone", "detail": "号码无效"},
        ],
    }


def test_invalid_transition_is_a_409_of_its_own_type():
    response = exception_handler(TransitionNotAllowed("不可执行"), {})

    assert (response.status_code, response.data["type"]) == (409, "invalid_transition")


def test_conflict_is_a_409_of_type_conflict():
    response = exception_handler(ConflictError("已被修改"), {})

    assert (response.status_code, response.data["type"]) == (409, "conflict")


def test_nested_drf_errors_get_dotted_attrs():
    exc = exceptions.ValidationError(
        {"complainant": {"phone": ["bad"]}, "actions": [{}, {"amount": ["missing"]}]}
    )

    codes = {e["attr"]: e["code"] for e in exception_handler(exc, {}).data["errors"]}

    assert codes == {"complainant.phone": "invalid", "actions.1.amount": "invalid"}


def test_an_unexpected_error_is_a_logged_json_500(caplog):
    caplog.set_level(logging.ERROR)

    response = exception_handler(RuntimeError("bug"), {})

    assert response.status_code == 500
    assert response.data["type"] == "server_error"
    assert "unhandled API error" in caplog.text


@pytest.mark.django_db
def test_the_language_of_error_details_follows_accept_language(api, agent):
    response = api(agent).post(URL, case_payload(summary=""), format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["errors"][0]["detail"] == "This field is required."


@pytest.mark.django_db
def test_a_user_without_any_role_may_not_create(api, team_a):
    response = api(UserFactory()).post(URL, case_payload(), format="json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_requests_still_work_when_the_throttle_cache_is_unreachable(api, settings, agent):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
        }
    }

    assert api(agent).get(URL).status_code == 200


@pytest.mark.django_db
def test_an_unknown_api_url_is_a_json_404(api, agent):
    response = api(agent).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert error_codes(response) == {None: "not_found"}


@pytest.mark.django_db
def test_an_unknown_page_url_keeps_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
