"""GET /api/v1/complaints/{id}/contacts/: the case account's contacts, oldest first, masked."""

import pytest

from tests.api.conftest import case_url, error_codes
from tests.conduct.helpers import row

pytestmark = pytest.mark.django_db


def _url(case, query=""):
    return case_url(case, "contacts/") + query


def test_contacts_are_listed_oldest_first_with_personal_data_masked(api, agent, conduct_case, store):
    store([row("B", at="2026-11-20T10:00:00+08:00"), row("A", at="2026-11-19T10:00:00+08:00")])

    results = api(agent).get(_url(conduct_case)).json()["results"]

    assert [r["source_id"] for r in results] == ["A", "B"]
    assert results[0]["account_reference"] == "LN-****8812"
    assert results[0]["contacted_number"] == "138****1234"


def test_contacts_of_other_accounts_are_not_listed(api, agent, conduct_case, store):
    store([row("A"), row("X", account_reference="LN-2024-00001")])

    assert [r["source_id"] for r in api(agent).get(_url(conduct_case)).json()["results"]] == ["A"]


def test_since_and_until_bound_the_list(api, agent, conduct_case, store):
    store([row(f"D{d}", at=f"2026-11-{d:02d}T10:00:00+08:00") for d in (1, 2, 3, 4)])

    response = api(agent).get(_url(conduct_case), {"since": "2026-11-02T00:00:00+08:00",
                                                   "until": "2026-11-03T23:59:59+08:00"})

    assert [r["source_id"] for r in response.json()["results"]] == ["D2", "D3"]


@pytest.mark.parametrize("query", [{"since": "yesterday"}, {"until": "2026-11-02T00:00:00"},
                                   {"until": "2026-11-02T00:00:00+18:58"}, {"since": "0035-03-21T00:04:35+08:00"},
                                   {"since": "2026-11-02T00:00:00\x00+08:00"}])
def test_a_bad_bound_is_400_naming_it(api, agent, conduct_case, query):
    assert error_codes(api(agent).get(_url(conduct_case), query)) == {next(iter(query)): "invalid"}


@pytest.mark.parametrize(("user", "code"), [("agent", 200), ("auditor", 200), ("supervisor", 200),
                                            ("admin_user", 200), ("agent_b", 404), ("callcenter", 404),
                                            ("lead", 404)])
def test_contacts_follow_the_case_visibility(request, api, conduct_case, user, code):
    assert api(request.getfixturevalue(user)).get(_url(conduct_case)).status_code == code


def test_contacts_of_an_unknown_case_are_404(api, agent):
    assert api(agent).get("/api/v1/complaints/999999/contacts/").status_code == 404
