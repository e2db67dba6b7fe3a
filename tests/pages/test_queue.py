"""The queue: scope, the API's filters by their GET names, find a customer by phone or ID,
keyset pages, breached and at-risk rows, errors next to the field, constant query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import ComplaintCase
from tests.factories import DEMO_ID_NUMBER, make_case
from timers.models import Deadline

pytestmark = pytest.mark.django_db


def _refs(response) -> list[str]:
    return re.findall(r'data-case-id="\d+">\s*<td><a href="/cases/\d+/">([^<]+)</a>', response.content.decode())


def test_an_agent_sees_the_team_cases_and_not_another_teams(login, agent, case_a, case_b):
    refs = _refs(login(agent).get("/cases/"))

    assert refs == [case_a.reference]


def test_my_cases_are_the_ones_assigned_to_me(login, agent, supervisor, case_a):
    mine = make_case(actor=agent)
    login(supervisor).post(f"/cases/{mine.pk}/assign/", {"assignee": str(agent.pk)})

    assert _refs(login(agent).get("/cases/?scope=mine")) == [ComplaintCase.objects.get(pk=mine.pk).reference]


def test_an_auditor_sees_every_team(login, auditor, case_a, case_b):
    assert sorted(_refs(login(auditor).get("/cases/"))) == sorted([case_a.reference, case_b.reference])


def test_roles_without_a_queue_get_a_403_page(login, lead, callcenter):
    assert login(lead).get("/cases/").status_code == 403


def test_filters_use_the_api_names(login, agent, case_a):
    urgent = make_case(actor=agent, severity="critical", risk_flags=["media_exposure"])
    client = login(agent)

    assert _refs(client.get("/cases/?severity=critical")) == [urgent.reference]
    assert _refs(client.get("/cases/?risk_flag=media_exposure")) == [urgent.reference]
    assert _refs(client.get("/cases/?state=verify")) == []
    assert _refs(client.get("/cases/?q=催收电话&ordering=-severity")) == [urgent.reference, case_a.reference]


def test_typing_the_start_of_a_reference_finds_those_cases(login, agent, case_a):
    march = make_case(actor=agent)
    ComplaintCase.objects.filter(pk=march.pk).update(reference="TS202603150000001")

    assert _refs(login(agent).get("/cases/?q=TS202603")) == ["TS202603150000001"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=nonsense", "state"),
        ("severity=extreme", "severity"),
        ("received_after=yesterday", "received_after"),
        ("assignee=abc", "assignee"),
        ("ordering=reference", "ordering"),
        ("category=nope", "category"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_message_next_to_the_field(login, agent, case_a, query, field):
    response = login(agent).get(f"/cases/?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="filter-{field}"[^>]*aria-invalid="true"[^>]*aria-describedby="filter-{field}-error"', html, re.S)
    assert f'id="filter-{field}-error"' in html


def test_a_bad_cursor_is_a_message_not_a_500(login, agent, case_a):
    response = login(agent).get("/cases/?cursor=%%%garbage")

    assert response.status_code == 400


def test_typing_a_phone_number_finds_that_persons_cases(login, agent, case_a):
    other = make_case(actor=agent, complainant={"name": "王五", "phone": "13700000000"})

    refs = _refs(login(agent).get("/cases/?q=%2B86 138-0000-1234"))

    assert refs == [case_a.reference]
    assert other.reference not in refs


def test_typing_an_id_number_finds_that_persons_cases(login, agent, case_a):
    make_case(actor=agent, complainant={"name": "王五", "phone": "13700000000"})

    assert _refs(login(agent).get(f"/cases/?q={DEMO_ID_NUMBER.lower()[:-1]}{DEMO_ID_NUMBER[-1].lower()}")) == [
        case_a.reference
    ]


def test_the_api_filters_by_phone_and_id_number(agent, case_a):
    from tests.api.conftest import client_for

    api = client_for(agent)
    make_case(actor=agent, complainant={"name": "王五", "phone": "13700000000"})

    by_phone = api.get("/api/v1/complaints/", {"phone": "138 0000 1234"}).json()["results"]
    by_id = api.get("/api/v1/complaints/", {"id_number": DEMO_ID_NUMBER}).json()["results"]

    assert [c["id"] for c in by_phone] == [case_a.pk]
    assert [c["id"] for c in by_id] == [case_a.pk]


def test_breached_and_at_risk_rows_stand_out(login, agent, case_a):
    at_risk = make_case(actor=agent)
    breached = make_case(actor=agent)
    Deadline.objects.filter(case=at_risk).update(warn_at=timezone.now() - timedelta(minutes=1))
    ComplaintCase.objects.filter(pk=breached.pk).update(is_breached=True)

    html = login(agent).get("/cases/").content.decode()

    assert re.search(rf'class="table-warning case-at-risk" data-case-id="{at_risk.pk}"', html)
    assert re.search(rf'class="table-danger case-breached" data-case-id="{breached.pk}"', html)
    assert not re.search(rf'class="[^"]*case-[a-z-]+" data-case-id="{case_a.pk}"', html)


def test_keyset_pages_walk_every_case_once(login, agent):
    made = [make_case(actor=agent, received_at=(timezone.now() - timedelta(hours=i)).isoformat()) for i in range(5)]
    client = login(agent)
    seen, url = [], "/cases/?page_size=2"
    while url:
        response = client.get(url)
        seen += _refs(response)
        url = response.context["next_link"]
    assert seen == [ComplaintCase.objects.get(pk=c.pk).reference for c in made]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_rows(login, agent, supervisor):
    client = login(agent)
    for _ in range(2):
        make_case(actor=agent)
    two = _queries(client, "/cases/")
    for _ in range(18):
        case = make_case(actor=agent)
        login(supervisor).post(f"/cases/{case.pk}/assign/", {"assignee": str(agent.pk)})
    twenty = _queries(client, "/cases/")

    assert twenty == two
