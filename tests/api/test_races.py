"""Real concurrent HTTP requests against PostgreSQL through the live server."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from accounts.tokens import token_issue
from complaints.models import CaseEvent
from tests.factories import make_case

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_five_simultaneous_transitions_give_one_success_and_four_conflicts(live_api, agent):
    case = make_case(actor=agent)
    headers = {"Authorization": f"Token {token_issue(user=agent)}"}
    url = f"{live_api.url}/api/v1/complaints/{case.pk}/transitions/start_verification/"

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(
            pool.map(lambda _: requests.post(url, json={}, headers=headers, timeout=30), range(5))
        )

    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409]
    assert CaseEvent.objects.filter(case=case, transition="start_verification").count() == 1
