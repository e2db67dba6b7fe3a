import pytest

from timers import calendar as business_calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test sees the calendar rows of its own transaction, not another test's cache."""
    business_calendar.clear_cache()
    yield
    business_calendar.clear_cache()


@pytest.fixture
def api():
    """`api(user)` → an APIClient sending that user's token; `api(None)` is anonymous."""
    from rest_framework.test import APIClient

    from accounts.tokens import token_issue

    def client_for(user):
        client = APIClient()
        if user is not None:
            token = token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client_for


def error_attrs(response) -> dict:
    """{attr: code} of an docs/api-guide.md error body."""
    return {item["attr"]: item["code"] for item in response.json()["errors"]}
