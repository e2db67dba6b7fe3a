import pytest

from complaints import business_calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test sees the calendar rows of its own transaction, not another test's cache."""
    business_calendar.clear_cache()
    yield
    business_calendar.clear_cache()
