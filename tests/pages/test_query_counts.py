"""The case list API, the queue page and the case workspace run as many queries for a long page or
a long timeline as for a short one (no query per row or per event), counted at two sizes.

The rows and events vary in what a row or event shows (state, assignee, deadlines, risk flags,
notes, contacts, attachments, related complaints), so that a lookup made per row of one kind
shows up too.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tokens import token_issue
from complaints import attachments, services
from tests.factories import DEMO_ID_NUMBER, Role, UserFactory, advance, make_case
from timers.models import Deadline

pytestmark = pytest.mark.django_db

API = "/api/v1/complaints/"


def _queries(client, url: str, **headers) -> int:
    # A first request fills the per-process memos (the token's user, teams, categories), which
    # later requests skip; the count is of a request that finds them warm.
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_cases(count: int, *, agent, colleague, supervisor) -> None:
    """Cases of team A spread over the happy path, the assignees and the risk flags; every third
    one with a deadline about to fall due."""
    for i in range(count):
        case = make_case(
            actor=agent,
            severity=("low", "normal", "high", "critical")[i % 4],
            risk_flags=[["media_exposure"], [], ["regulator_referral", "litigation_threat"]][i % 3],
        )
        advance(case, actor=agent, steps=i % 5)
        if i % 2:
            services.case_reassign(case_id=case.pk, actor=supervisor, assignee_id=colleague.pk)
        if i % 3 == 0:
            Deadline.objects.filter(object_id=case.pk).update(warn_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def colleague(team_a):
    return UserFactory(username="agent-a2", role=Role.AGENT, teams=[team_a])


def test_the_list_api_runs_as_many_queries_for_25_rows_as_for_4(client, agent, colleague, supervisor):
    headers = {"HTTP_AUTHORIZATION": f"Token {token_issue(user=supervisor)}"}
    _add_cases(4, agent=agent, colleague=colleague, supervisor=supervisor)
    four = _queries(client, API, **headers)
    _add_cases(26, agent=agent, colleague=colleague, supervisor=supervisor)

    assert _queries(client, API, **headers) == four


def test_the_queue_runs_as_many_queries_for_25_rows_as_for_4(login, agent, colleague, supervisor):
    page = login(supervisor)
    _add_cases(4, agent=agent, colleague=colleague, supervisor=supervisor)
    four = _queries(page, "/cases/")
    _add_cases(26, agent=agent, colleague=colleague, supervisor=supervisor)

    assert _queries(page, "/cases/") == four


def _enrich(case, *, agent, supervisor, colleague, times: int) -> None:
    """`times` notes (internal and not), contacts, attachments and reassignments on `case`."""
    for i in range(times):
        services.case_note_add(case_id=case.pk, actor=agent, body=f"备注{i}", internal=bool(i % 2))
        services.case_communication_add(
            case_id=case.pk, actor=agent, channel="phone", direction="outbound", outcome="reached", summary=f"回访{i}"
        )
        upload = SimpleUploadedFile(f"记录{i}.txt", f"通话记录{i}".encode(), content_type="text/plain")
        attachments.attachment_add(case_id=case.pk, actor=agent, file=upload)
        services.case_reassign(case_id=case.pk, actor=supervisor, assignee_id=(colleague, agent)[i % 2].pk)


def test_the_workspace_runs_as_many_queries_for_a_long_timeline_as_for_a_short_one(
    login, agent, colleague, supervisor
):
    # Two people, so that each case has its own related complaints: one for the short case,
    # eight for the long one.
    other = {"name": "李四", "phone": "13900005678", "id_number": "", "email": ""}
    short = make_case(actor=agent, complainant=other)
    make_case(actor=agent, complainant=other)
    long = make_case(actor=agent)
    for _ in range(8):
        make_case(actor=agent, complainant={"name": "张三", "phone": "13800001234", "id_number": DEMO_ID_NUMBER})
    for case, times in ((short, 1), (long, 12)):
        advance(case, actor=agent, steps=4)
        _enrich(case, agent=agent, supervisor=supervisor, colleague=colleague, times=times)
    page = login(supervisor)
    page.get(f"/cases/{short.pk}/")  # per-process caches (categories, panels) warm once

    assert _queries(page, f"/cases/{long.pk}/") == _queries(page, f"/cases/{short.pk}/")
