"""Query parameters the database cannot take are a 400 naming the parameter, never a 500."""

import pytest

from tests.api.conftest import error_codes

URL = "/api/v1/complaints/"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1705-02-17T07:09:01-16:04", "2026-01-01T00:00:00+16:00"])
def test_a_received_after_the_database_cannot_hold_is_a_400(api, agent, value):
    response = api(agent).get(URL, {"received_after": value})

    assert response.status_code == 400
    assert error_codes(response) == {"received_after": "invalid"}


def test_a_received_before_with_an_impossible_offset_is_a_400(api, agent):
    response = api(agent).get(URL, {"received_before": "2026-01-01T00:00:00-16:04"})

    assert error_codes(response) == {"received_before": "invalid"}


def test_an_ordinary_offset_is_accepted(api, agent):
    assert api(agent).get(URL, {"received_after": "2026-01-01T00:00:00-05:00"}).status_code == 200


def test_a_nul_character_in_the_search_is_a_400(api, agent):
    response = api(agent).get(URL, {"q": "催收\x00"})

    assert response.status_code == 400
    assert error_codes(response) == {"q": "invalid"}


def test_a_nul_character_in_a_category_filter_is_a_400(api, agent):
    response = api(agent).get(URL, {"category": "collection\x00conduct"})

    assert response.status_code == 400
    assert set(error_codes(response)) == {"category"}
