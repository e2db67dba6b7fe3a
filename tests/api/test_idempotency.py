from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone

from accounts.tokens import token_issue
from common.models import IdempotencyRecord
from common.tasks import prune_idempotency_records
from complaints.models import ComplaintCase
from tests.api.conftest import error_codes
from tests.factories import case_payload

URL = "/api/v1/complaints/"


def post(client, payload, key):
    return client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_repeated_key_returns_the_same_case_with_200_and_the_same_body(api, callcenter, team_a):
    client = api(callcenter)
    first = post(client, case_payload(), "CC-9912-1")

    second = post(client, case_payload(), "CC-9912-1")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert ComplaintCase.objects.count() == 1


@pytest.mark.django_db
def test_a_repeated_key_with_a_different_payload_is_a_409(api, callcenter, team_a):
    client = api(callcenter)
    post(client, case_payload(), "CC-9912-2")

    response = post(client, case_payload(summary="另一件投诉"), "CC-9912-2")

    assert response.status_code == 409
    assert error_codes(response) == {None: "idempotency_key_reused"}
    assert ComplaintCase.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_client(api, callcenter, agent):
    post(api(callcenter), case_payload(), "shared-key")

    response = post(api(agent), case_payload(), "shared-key")

    assert response.status_code == 201
    assert ComplaintCase.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_request_does_not_use_up_the_key(api, callcenter, team_a):
    client = api(callcenter)
    post(client, case_payload(category="no_such"), "retry-me")

    response = post(client, case_payload(), "retry-me")

    assert response.status_code == 201


@pytest.mark.django_db
def test_without_a_key_each_request_creates_a_case(api, callcenter, team_a):
    client = api(callcenter)
    client.post(URL, case_payload(), format="json")
    client.post(URL, case_payload(), format="json")

    assert ComplaintCase.objects.count() == 2


@pytest.mark.django_db
def test_a_malformed_key_is_a_400(api, callcenter, team_a):
    response = post(api(callcenter), case_payload(), "x" * 256)

    assert error_codes(response) == {"Idempotency-Key": "invalid"}


# On SQLite the test database is in memory and the live server shares one connection between
# its threads, so real concurrency is only measurable on PostgreSQL (CI and production).
@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_eight_concurrent_requests_with_one_key_make_one_case_and_eight_identical_bodies(
    live_api, callcenter, team_a
):
    token = token_issue(user=callcenter)
    headers = {"Authorization": f"Token {token}", "Idempotency-Key": "burst-1"}
    payload = case_payload(summary="并发重试：催收电话一天十几次")

    def send(_):
        return requests.post(f"{live_api.url}{URL}", json=payload, headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(8)))

    assert ComplaintCase.objects.count() == 1
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    bodies = [r.json() for r in responses]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["id"] == ComplaintCase.objects.get().pk


@pytest.mark.django_db
def test_prune_deletes_only_records_past_their_time_to_live(api, callcenter, team_a):
    client = api(callcenter)
    post(client, case_payload(), "old-key")
    post(client, case_payload(summary="新投诉"), "new-key")
    IdempotencyRecord.objects.filter(key="old-key").update(created_at=timezone.now() - timedelta(hours=25))

    assert prune_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new-key"]


@pytest.mark.django_db
def test_a_key_used_again_after_pruning_creates_a_new_case(api, callcenter, team_a):
    client = api(callcenter)
    post(client, case_payload(), "reused-after-a-day")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=2))
    prune_idempotency_records()

    assert post(client, case_payload(), "reused-after-a-day").status_code == 201
