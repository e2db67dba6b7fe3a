"""Login, lockout after failed logins, session lifetime, and API-client accounts kept out."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from accounts.middleware import LAST_SEEN, LOGIN_AT

pytestmark = pytest.mark.django_db
PASSWORD = "demo-pass-123"


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_with_the_right_password_starts_a_session(client, agent):
    response = _login(client, "agent", PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(agent.pk)


def test_logout_is_a_post_and_ends_the_session(login, agent):
    client = login(agent)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert SESSION_KEY not in client.session


def test_five_failures_lock_the_username_even_with_the_right_password(client, agent):
    for _ in range(4):
        assert _login(client, "agent", "wrong-password").status_code == 200
    assert _login(client, "agent", "wrong-password").status_code == 429

    other_desk = Client()
    response = _login(other_desk, "agent", PASSWORD)

    assert response.status_code == 429
    assert 'id="locked-out"' in response.content.decode()
    assert SESSION_KEY not in other_desk.session


def test_four_failures_do_not_lock(client, agent):
    for _ in range(4):
        _login(client, "agent", "wrong-password")

    assert _login(client, "agent", PASSWORD).status_code == 302


def test_the_lock_is_per_username(client, agent, agent_b):
    for _ in range(5):
        _login(client, "agent", "wrong-password")

    assert _login(client, "agent2", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_fifteen_minute_cool_off(client, agent):
    for _ in range(5):
        _login(client, "agent", "wrong-password")
    assert _login(client, "agent", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert _login(client, "agent", PASSWORD).status_code == 302


def test_a_failed_login_is_logged_without_the_password(client, agent, caplog):
    with caplog.at_level(logging.INFO):
        _login(client, "agent", "Secret-Guess-42")

    assert "agent" in caplog.text
    assert "Secret-Guess-42" not in caplog.text
    attempt = AccessAttempt.objects.get(username="agent")
    assert "Secret-Guess-42" not in attempt.post_data + attempt.get_data


def test_the_lockout_page_is_english_after_the_switch(client, agent):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        _login(client, "agent", "wrong-password")

    assert "Too many failed logins" in _login(client, "agent", PASSWORD).content.decode()


def test_a_locked_username_gets_the_api_error_shape_from_the_token_endpoint(agent):
    api = Client()
    for _ in range(5):
        api.post("/api/v1/auth/token/", {"username": "agent", "password": "bad"}, content_type="application/json")

    response = api.post("/api/v1/auth/token/", {"username": "agent", "password": PASSWORD},
                        content_type="application/json")

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"


def test_the_token_endpoint_still_gives_tokens(callcenter):
    response = Client().post("/api/v1/auth/token/", {"username": "callcenter", "password": PASSWORD},
                             content_type="application/json")

    assert response.status_code == 200
    assert response.json()["token"]


def test_an_api_client_account_cannot_log_into_the_pages(client, callcenter):
    response = _login(client, "callcenter", PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "api_client"
    assert SESSION_KEY not in client.session


def _age_session(client: Client, **shift: float) -> None:
    session = client.session
    for key, seconds in shift.items():
        session[key] = session[key] - seconds
    session.save()


def test_a_session_ends_after_thirty_minutes_idle(client, agent):
    _login(client, "agent", PASSWORD)
    assert client.get("/notifications/").status_code == 200

    _age_session(client, **{LAST_SEEN: 31 * 60 + 1})  # 30 minutes and the minute's granularity

    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, agent):
    _login(client, "agent", PASSWORD)
    _age_session(client, **{LAST_SEEN: 29 * 60})

    assert client.get("/notifications/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 60


def test_a_session_ends_ten_hours_after_login_however_active(client, agent):
    _login(client, "agent", PASSWORD)
    _age_session(client, **{LOGIN_AT: 10 * 3600 + 60})

    assert client.get("/notifications/").status_code == 302


def test_the_session_cookie_lives_thirty_one_minutes_and_is_renewed(client, agent):
    _login(client, "agent", PASSWORD)
    _age_session(client, **{LAST_SEEN: 2 * 60})

    response = client.get("/notifications/")

    assert response.cookies["sessionid"]["max-age"] == 31 * 60


def test_requests_within_a_minute_do_not_write_the_session(client, agent):
    _login(client, "agent", PASSWORD)
    client.get("/notifications/")

    response = client.get("/notifications/")

    assert "sessionid" not in response.cookies
