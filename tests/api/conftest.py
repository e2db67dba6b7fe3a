"""API test helpers: clients that authenticate with a real token, as integrators do."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from tests.factories import make_case


@pytest.fixture
def live_api(live_server, transactional_db):
    """The live server on a committed database (the root conftest restores reference rows)."""
    return live_server


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token = token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api():
    """`api(user)` → an APIClient sending that user's token; `api(None)` is anonymous."""
    return client_for


@pytest.fixture
def case_a(agent):
    """A case of team A, created by the team's agent."""
    return make_case(actor=agent)


def case_url(case, suffix: str = "") -> str:
    return f"/api/v1/complaints/{case.pk}/{suffix}"


def error_codes(response) -> dict[str | None, str]:
    """{attr: code} of an docs/api-guide.md error body, after checking its shape."""
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert all(set(item) == {"attr", "code", "detail"} for item in body["errors"])
    return {item["attr"]: item["code"] for item in body["errors"]}
