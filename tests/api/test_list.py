from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import ComplaintCase
from tests.api.conftest import case_url, error_codes
from tests.factories import UserFactory, advance, make_case

URL = "/api/v1/complaints/"
pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_masks_personal_data(api, agent, case_a):
    row = api(agent).get(URL).json()["results"][0]

    assert row["complainant"]["phone"] == "138****1234"
    assert "13800001234" not in api(agent).get(URL).content.decode()


def test_agent_lists_only_their_teams_cases(api, agent, agent_b, case_a):
    other = make_case(actor=agent_b)

    assert ids(api(agent).get(URL)) == [case_a.pk]
    assert ids(api(agent_b).get(URL)) == [other.pk]


def test_supervisor_lists_the_cases_of_every_team_they_supervise(api, supervisor, agent, agent_b, case_a):
    other = make_case(actor=agent_b)

    assert set(ids(api(supervisor).get(URL))) == {case_a.pk, other.pk}


def test_auditor_lists_every_case(api, auditor, agent_b, case_a):
    other = make_case(actor=agent_b)

    assert set(ids(api(auditor).get(URL))) == {case_a.pk, other.pk}


def test_api_client_lists_only_the_cases_it_created(api, callcenter, case_a):
    own = make_case(actor=callcenter)

    assert ids(api(callcenter).get(URL)) == [own.pk]


def test_emergency_member_without_activations_lists_nothing(api, member, case_a):
    assert ids(api(member).get(URL)) == []


def test_another_teams_case_is_a_404_not_a_403(api, agent_b, case_a):
    response = api(agent_b).get(case_url(case_a))

    assert response.status_code == 404
    assert error_codes(response) == {None: "not_found"}


def test_detail_of_a_visible_case_returns_it(api, agent, case_a):
    body = api(agent).get(case_url(case_a)).json()

    assert body["id"] == case_a.pk
    assert body["reference"] == case_a.reference


def test_detail_lists_the_case_deadlines(api, agent, case_a):
    deadlines = api(agent).get(case_url(case_a)).json()["deadlines"]

    assert {d["kind"] for d in deadlines} == {"acknowledge", "final_answer"}
    assert set(deadlines[0]) == {"kind", "due_at", "warn_at", "state", "breached"}


def test_detail_of_a_non_numeric_id_is_a_404(api, agent):
    assert api(agent).get(f"{URL}abc/").status_code == 404


def test_detail_of_an_id_beyond_bigint_is_a_404(api, agent):
    assert api(agent).get(f"{URL}{2**70}/").status_code == 404


def test_list_without_authentication_is_401_with_www_authenticate(api):
    response = api(None).get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_codes(response) == {None: "not_authenticated"}


def test_an_invalid_token_is_401(api):
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Token nope")

    assert client.get(URL).status_code == 401


def test_browser_session_authentication_works(client, agent, case_a):
    client.force_login(agent)

    assert client.get(URL).status_code == 200


# -- filters --------------------------------------------------------------------------------


def test_filter_by_state(api, agent, case_a):
    moved = advance(make_case(actor=agent), actor=agent, steps=1)

    assert ids(api(agent).get(URL, {"state": "verify"})) == [moved.pk]


def test_filter_by_category_code(api, agent, case_a):
    fee = make_case(actor=agent, category="fee_dispute")

    assert ids(api(agent).get(URL, {"category": "fee_dispute"})) == [fee.pk]


def test_filter_by_severity(api, agent, case_a):
    high = make_case(actor=agent, severity="high")

    assert ids(api(agent).get(URL, {"severity": "high"})) == [high.pk]


def test_filter_by_assignee(api, agent, case_a):
    assigned = advance(make_case(actor=agent), actor=agent, steps=1)

    assert ids(api(agent).get(URL, {"assignee": agent.pk})) == [assigned.pk]


def test_filter_by_team_code(api, supervisor, agent_b, case_a):
    make_case(actor=agent_b)

    assert ids(api(supervisor).get(URL, {"team": "team-a"})) == [case_a.pk]


def test_filter_breached_true(api, agent, case_a):
    late = make_case(actor=agent)
    ComplaintCase.objects.filter(pk=late.pk).update(is_breached=True)

    assert ids(api(agent).get(URL, {"breached": "true"})) == [late.pk]


def test_filter_by_risk_flag(api, agent, case_a):
    flagged = make_case(actor=agent, risk_flags=["media_exposure", "regulator_referral"])
    make_case(actor=agent, risk_flags=["litigation_threat"])

    assert ids(api(agent).get(URL, {"risk_flag": "regulator_referral"})) == [flagged.pk]


def test_filter_by_received_window(api, agent):
    now = timezone.now()
    old = make_case(actor=agent, received_at=(now - timedelta(days=10)).isoformat())
    make_case(actor=agent, received_at=(now - timedelta(days=1)).isoformat())

    params = {
        "received_after": (now - timedelta(days=11)).isoformat(),
        "received_before": (now - timedelta(days=5)).isoformat(),
    }
    assert ids(api(agent).get(URL, params)) == [old.pk]


def test_search_q_matches_summary_description_and_reference(api, agent):
    by_summary = make_case(actor=agent, summary="暴力催收威胁上门")
    by_description = make_case(actor=agent, summary="其他", description="对方说要上门找家人")
    make_case(actor=agent, summary="费用问题", description="逾期费用")

    assert set(ids(api(agent).get(URL, {"q": "上门"}))) == {by_summary.pk, by_description.pk}
    assert ids(api(agent).get(URL, {"q": by_summary.reference})) == [by_summary.pk]


def _with_reference(case, reference: str):
    ComplaintCase.objects.filter(pk=case.pk).update(reference=reference)
    return case


def test_a_reference_prefix_finds_the_cases_whose_reference_starts_with_it(api, agent):
    march = _with_reference(make_case(actor=agent), "TS202603150000001")
    later_march = _with_reference(make_case(actor=agent), "TS202603310000002")
    _with_reference(make_case(actor=agent), "TS202604010000003")
    # The reference appears in another case's text: a reference search is not a text search.
    make_case(actor=agent, summary="客户提到之前的投诉TS202603150000001")

    assert ids(api(agent).get(URL, {"q": "TS202603"})) == [later_march.pk, march.pk]


def test_a_reference_prefix_is_found_whatever_the_letter_case(api, agent):
    case = _with_reference(make_case(actor=agent), "TS202603150000001")

    assert ids(api(agent).get(URL, {"q": "ts2026031"})) == [case.pk]


def test_a_reference_prefix_search_keeps_the_order_and_pages_of_the_list(api, agent):
    now = timezone.now()
    # Received long before it was registered: the bound on received time must still include it.
    backdated = make_case(actor=agent, received_at=(now - timedelta(days=400)).isoformat())
    newest = make_case(actor=agent)
    middle = make_case(actor=agent, received_at=(now - timedelta(days=2)).isoformat())
    for i, case in enumerate((backdated, newest, middle)):
        _with_reference(case, f"TS2026030{i + 1}000000{i}")
    client = api(agent)

    first = client.get(URL, {"q": "TS202603", "page_size": 2})
    second = client.get(first.json()["next"])

    assert ids(first) + ids(second) == [newest.pk, middle.pk, backdated.pk]


def test_a_reference_prefix_that_matches_nothing_lists_nothing(api, agent, case_a):
    assert ids(api(agent).get(URL, {"q": "TS209912"})) == []


def test_a_reference_prefix_lists_only_the_cases_the_user_may_see(api, agent, agent_b):
    mine = _with_reference(make_case(actor=agent), "TS202603150000001")
    _with_reference(make_case(actor=agent_b), "TS202603150000002")

    assert ids(api(agent).get(URL, {"q": "TS202603"})) == [mine.pk]


def _day_prefix(case) -> str:
    return case.reference[:10]


def test_a_case_received_long_before_it_was_registered_is_found_by_the_day_of_its_reference(api, agent):
    today = make_case(actor=agent)
    # Registered today, received 400 days ago: the day's bounds must widen to include it.
    backdated = make_case(actor=agent, received_at=(timezone.now() - timedelta(days=400)).isoformat())
    later = make_case(actor=agent)

    assert ids(api(agent).get(URL, {"q": _day_prefix(today)})) == [later.pk, today.pk, backdated.pk]


def test_a_case_whose_receipt_time_is_corrected_is_still_found_by_its_reference_prefix(api, agent):
    case = make_case(actor=agent)
    ComplaintCase.objects.filter(pk=case.pk).update(received_at=timezone.now() - timedelta(days=90))

    assert ids(api(agent).get(URL, {"q": case.reference[:8]})) == [case.pk]


def test_creates_received_as_they_come_do_not_add_rows_to_the_reference_days(agent):
    from complaints.models import ReferenceDay

    first = make_case(actor=agent)
    make_case(actor=agent)
    make_case(actor=agent)

    assert ReferenceDay.objects.filter(day=first.reference[2:10]).count() == 1


def test_an_invalid_filter_value_is_a_400_naming_the_filter(api, agent):
    response = api(agent).get(URL, {"state": "nope", "received_after": "yesterday"})

    assert response.status_code == 400
    assert error_codes(response) == {"state": "invalid_choice", "received_after": "invalid"}


# -- ordering and cursor pagination ---------------------------------------------------------


def _walk(client, params) -> list[int]:
    seen, response = [], client.get(URL, params)
    while True:
        seen += ids(response)
        next_url = response.json()["next"]
        if not next_url:
            return seen
        response = client.get(next_url)


def test_cursor_pages_cover_every_case_once_despite_equal_receipt_times(api, agent):
    same_time = (timezone.now() - timedelta(hours=1)).isoformat()
    cases = [make_case(actor=agent, received_at=same_time) for _ in range(7)]

    seen = _walk(api(agent), {"page_size": 3})

    assert seen == sorted((c.pk for c in cases), reverse=True)


def test_previous_link_returns_the_page_before(api, agent):
    for _ in range(5):
        make_case(actor=agent)
    client = api(agent)
    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def test_ordering_by_severity_puts_critical_first_when_descending(api, agent):
    low = make_case(actor=agent, severity="low")
    critical = make_case(actor=agent, severity="critical")
    normal = make_case(actor=agent, severity="normal")

    seen = _walk(api(agent), {"ordering": "-severity", "page_size": 1})

    assert seen == [critical.pk, normal.pk, low.pk]


def test_ordering_by_created_at_ascending(api, agent):
    first, second = make_case(actor=agent), make_case(actor=agent)

    assert ids(api(agent).get(URL, {"ordering": "created_at"})) == [first.pk, second.pk]


def test_an_unknown_ordering_is_a_400(api, agent):
    response = api(agent).get(URL, {"ordering": "summary"})

    assert response.status_code == 400
    assert error_codes(response) == {"ordering": "invalid_choice"}


def test_a_forged_cursor_is_a_400(api, agent):
    response = api(agent).get(URL, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert error_codes(response) == {"cursor": "invalid"}


def test_a_page_size_above_the_maximum_is_a_400(api, agent):
    response = api(agent).get(URL, {"page_size": 1000})

    assert response.status_code == 400
    assert error_codes(response) == {"page_size": "invalid"}


# -- query counts ---------------------------------------------------------------------------


def _count_queries(client, django_assert_max_num_queries, page_size: int, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        response = client.get(URL, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_query_count_does_not_grow_with_page_size(api, agent, page_size, django_assert_max_num_queries):
    for _ in range(50):
        make_case(actor=agent, risk_flags=["media_exposure"])
    client = api(agent)

    _count_queries(client, django_assert_max_num_queries, page_size, limit=6)


def test_list_query_count_is_the_same_for_5_and_50_rows(api, supervisor, agent):
    for _ in range(50):
        advance(make_case(actor=agent), actor=agent, steps=1)
    counts = []
    for size in (5, 50):
        client = api(supervisor)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1], counts
    assert counts[0] <= 6


def test_categories_list_codes_and_chinese_names(api, agent):
    response = api(agent).get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert rows["collection_conduct"]["name"] == "催收方式不当"
    assert set(rows["other"]) == {"code", "name", "description"}


def test_categories_need_authentication(api):
    assert api(None).get("/api/v1/categories/").status_code == 401


def test_a_user_without_a_role_lists_nothing(api):
    user = UserFactory()

    assert ids(api(user).get(URL)) == []


def test_extreme_receipt_window_filters_are_not_a_500(api, agent, case_a):
    params = {"received_after": "0001-01-01T00:00:00+14:00", "received_before": "9999-12-31T23:59:59-14:00"}

    assert ids(api(agent).get(URL, params)) == [case_a.pk]
