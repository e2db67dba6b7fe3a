import pytest

from complaints import business_calendar
from tests.complaints.conftest import _migration_data, migration_data  # noqa: F401 - reference rows after a flush


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Roles, categories, the calendar and SLA policies come from data migrations, which a
    transactional test's flush (a worker test, here or elsewhere) empties: put them back."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    from tests.complaints.conftest import restore_migration_data

    restore_migration_data()


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test sees the calendar rows of its own transaction, not another test's cache."""
    business_calendar.clear_cache()
    yield
    business_calendar.clear_cache()


@pytest.fixture
def api():
    """`api(user)` → an APIClient sending that user's token; `api(None)` is anonymous."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def client_for(user):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


def error_attrs(response) -> dict:
    """{attr: code} of an API.md error body."""
    return {item["attr"]: item["code"] for item in response.json()["errors"]}
