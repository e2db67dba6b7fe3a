"""POST /api/v1/complaints/import/: per-item answers, batch-level refusals, who may."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from accounts.tokens import token_issue
from complaints.models import ComplaintCase
from tests.api.conftest import error_codes
from tests.api.test_errors import _rates, fresh_throttles  # noqa: F401 - a fixture
from tests.factories import case_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/import/"


def post_batch(client, cases):
    return client.post(URL, {"cases": cases}, format="json")


def test_each_item_is_answered_in_order_with_the_case_or_its_errors(api, callcenter, team_a):
    response = post_batch(api(callcenter), [case_payload(), case_payload(summary="")])

    body = response.json()
    assert response.status_code == 200
    assert [(r["index"], r["status"]) for r in body["results"]] == [(0, 201), (1, 400)]
    assert (body["stored"], body["replayed"], body["refused"]) == (1, 0, 1)


def test_a_stored_item_answers_its_id_and_reference(api, callcenter, team_a):
    [result] = post_batch(api(callcenter), [case_payload()]).json()["results"]

    assert ComplaintCase.objects.get(pk=result["id"]).reference == result["reference"]


def test_an_items_errors_are_named_by_its_index_in_the_error_format(api, callcenter, team_a):
    cases = [case_payload()] * 17 + [case_payload(complainant={"name": "张三", "phone": "12"})]

    result = post_batch(api(callcenter), cases).json()["results"][17]

    assert result["type"] == "validation_error"
    assert [(e["attr"], e["code"]) for e in result["errors"]] == [
        ("cases[17].complainant.phone", "invalid_phone")
    ]
    assert all(set(e) == {"attr", "code", "detail"} for e in result["errors"])


def test_an_item_that_is_not_an_object_is_refused_on_its_own(api, callcenter, team_a):
    results = post_batch(api(callcenter), [case_payload(), "not a case"]).json()["results"]

    assert [(r["status"], [e["attr"] for e in r.get("errors", [])]) for r in results] == [
        (201, []),
        (400, ["cases[1]"]),
    ]


def test_a_malformed_item_key_is_refused_on_that_item(api, callcenter, team_a):
    [result] = post_batch(api(callcenter), [case_payload(idempotency_key="x" * 256)]).json()["results"]

    assert [e["attr"] for e in result["errors"]] == ["cases[0].idempotency_key"]


def test_a_key_used_again_returns_the_original_case(api, callcenter, team_a):
    client = api(callcenter)
    [first] = post_batch(client, [case_payload(idempotency_key="OLD-1")]).json()["results"]

    [again] = post_batch(client, [case_payload(idempotency_key="OLD-1")]).json()["results"]

    assert again == {**first, "status": 200}
    assert ComplaintCase.objects.count() == 1


def test_a_key_of_a_single_create_returns_that_case(api, callcenter, team_a):
    client = api(callcenter)
    created = client.post(
        "/api/v1/complaints/", case_payload(), format="json", HTTP_IDEMPOTENCY_KEY="CC-1"
    ).json()

    [result] = post_batch(client, [case_payload(idempotency_key="CC-1")]).json()["results"]

    assert (result["status"], result["id"]) == (200, created["id"])


def test_a_single_create_with_the_key_of_an_imported_case_returns_that_case(api, callcenter, team_a):
    client = api(callcenter)
    [imported] = post_batch(client, [case_payload(idempotency_key="OLD-7")]).json()["results"]

    response = client.post("/api/v1/complaints/", case_payload(), format="json", HTTP_IDEMPOTENCY_KEY="OLD-7")

    body = response.json()
    assert (response.status_code, response.headers["Idempotent-Replayed"]) == (200, "true")
    assert (body["id"], body["reference"], body["state"]) == (imported["id"], imported["reference"], "intake")
    assert ComplaintCase.objects.count() == 1


def test_a_single_create_with_an_imported_key_and_another_payload_is_a_409(api, callcenter, team_a):
    client = api(callcenter)
    post_batch(client, [case_payload(idempotency_key="OLD-7")])

    response = client.post(
        "/api/v1/complaints/", case_payload(summary="另一件"), format="json", HTTP_IDEMPOTENCY_KEY="OLD-7"
    )

    assert (response.status_code, response.json()["errors"][0]["code"]) == (409, "idempotency_key_reused")
    assert ComplaintCase.objects.count() == 1


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_batch_and_a_single_create_sent_at_once_with_one_key_store_one_case(live_api, callcenter, team_a):
    headers = {"Authorization": f"Token {token_issue(user=callcenter)}"}
    rounds = 4
    start = threading.Barrier(2)

    def send(kind_and_key):
        kind, key = kind_and_key
        start.wait(timeout=30)
        if kind == "import":
            body = {"cases": [case_payload(idempotency_key=key)]}
            return requests.post(f"{live_api.url}{URL}", json=body, headers=headers, timeout=30)
        return requests.post(
            f"{live_api.url}/api/v1/complaints/", json=case_payload(),
            headers={**headers, "Idempotency-Key": key}, timeout=30,
        )

    for n in range(rounds):
        with ThreadPoolExecutor(max_workers=2) as pool:
            responses = list(pool.map(send, [("import", f"BURST-{n}"), ("create", f"BURST-{n}")]))
        assert all(r.status_code in (200, 201) for r in responses)

    assert ComplaintCase.objects.count() == rounds


def test_a_key_reused_with_another_payload_is_a_409_item(api, callcenter, team_a):
    client = api(callcenter)
    post_batch(client, [case_payload(idempotency_key="OLD-1")])

    [result] = post_batch(client, [case_payload(idempotency_key="OLD-1", summary="另一件")]).json()["results"]

    assert (result["status"], result["type"], result["errors"][0]["code"]) == (
        409,
        "conflict",
        "idempotency_key_reused",
    )


def test_more_than_1000_cases_is_a_400_and_stores_nothing(api, callcenter, team_a):
    response = post_batch(api(callcenter), [case_payload()] * 1001)

    assert (response.status_code, error_codes(response)) == (400, {"cases": "max_length"})
    assert not ComplaintCase.objects.exists()


def test_1000_cases_are_taken(api, callcenter, team_a):
    response = post_batch(api(callcenter), [case_payload(summary=f"投诉{i}") for i in range(1000)])

    assert (response.status_code, response.json()["stored"]) == (200, 1000)


@pytest.mark.parametrize(
    "body", [{}, {"cases": {}}, {"cases": "x"}, {"cases": []}, [case_payload()], "x", None]
)
def test_a_body_without_a_list_of_cases_is_a_400(api, callcenter, team_a, body):
    response = api(callcenter).post(URL, json.dumps(body), content_type="application/json")

    assert (response.status_code, error_codes(response)) == (400, {"cases": "required"})


def test_bad_json_is_a_400(api, callcenter, team_a):
    response = api(callcenter).post(URL, '{"cases": [', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_a_body_over_1_mb_is_taken(api, callcenter, team_a):
    cases = [case_payload(description="投" * 3000, summary=f"投诉{i}") for i in range(150)]

    response = post_batch(api(callcenter), cases)

    assert (response.status_code, response.json()["stored"]) == (200, 150)


def test_an_agent_may_import(api, agent):
    response = post_batch(api(agent), [case_payload()])

    assert response.json()["stored"] == 1


def test_a_role_that_may_not_create_gets_a_403_before_validation(api, auditor):
    response = post_batch(api(auditor), "not even a list")

    assert response.status_code == 403


def test_anonymous_is_a_401(api):
    assert post_batch(api(None), [case_payload()]).status_code == 401


def test_imports_have_their_own_throttle(api, callcenter, team_a, settings, fresh_throttles):  # noqa: F811
    _rates(settings, **{"import": "1/min"})
    client = api(callcenter)
    post_batch(client, [case_payload()])

    assert post_batch(client, [case_payload()]).status_code == 429
    assert client.post("/api/v1/complaints/", case_payload(), format="json").status_code == 201
