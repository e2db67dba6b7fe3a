"""The dashboard and the monthly report (page and workbook), conduct statistics included, run
the same number of queries whatever the number of cases: each figure is one grouped query,
never one per row or group."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conduct import services as conduct_services
from tests.conduct.helpers import row
from tests.factories import advance, make_case

pytestmark = pytest.mark.django_db
CATEGORIES = ["collection_conduct", "fee_dispute", "collection_conduct", "other"]
CHANNELS = ["phone", "web", "email", "sms"]
# 00:01 local time today: in the quiet hours, in this month and before the cases are received.
QUIET_HOUR = timezone.localtime().replace(hour=0, minute=1).isoformat()


def _add_cases(agent, agent_b, store, n: int, first: int) -> None:
    """`n` cases of both teams across categories, channels and stages, each collection-conduct
    case on an account of its own with a quiet-hours breach found by its check."""
    for i in range(first, first + n):
        account = f"LN-QC-{i:05d}"
        store([row(f"QC{i}", at=QUIET_HOUR, account_reference=account,
                   collector=f"催收员{i}", agency=f"公司{i}")])
        actor = agent if i % 2 == 0 else agent_b
        case = make_case(actor=actor, category=CATEGORIES[i % 4], channel=CHANNELS[i % 4], account_reference=account)
        case = advance(case, actor=actor, steps=i % 5)
        conduct_services.conduct_check_record(case=case, actor=actor)


def _count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [("/dashboard/", {}), ("/reports/monthly/", {}), ("/reports/monthly/", {"format": "xlsx"})],
    ids=["dashboard", "monthly", "monthly-xlsx"],
)
def test_query_count_is_the_same_for_2_and_10_cases(client, supervisor, agent, agent_b, store, url, params):
    month = {"month": timezone.localdate().strftime("%Y-%m")}
    client.force_login(supervisor)
    _add_cases(agent, agent_b, store, 2, first=0)
    _count(client, url, **month, **params)  # warm the session and permission caches
    few = _count(client, url, **month, **params)

    _add_cases(agent, agent_b, store, 8, first=2)

    assert _count(client, url, **month, **params) == few
