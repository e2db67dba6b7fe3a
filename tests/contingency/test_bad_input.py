"""Odd input to every contingency endpoint is a 4xx in the error shape, never a 500."""

import pytest

from tests.api.conftest import client_for, error_codes

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "category": None, "trigger": "x", "steps": "x"},
        {"name": "x", "category": None, "trigger": {"volume": []}, "steps": [1]},
        {"name": "x", "category": 5, "trigger": {"volume": {"count": "many", "window": 60}}, "steps": [{}]},
        {"name": ["x"], "category": {"a": 1}, "trigger": {"risk_flags_any": "media_exposure"}, "steps": [None]},
        {"name": "x" * 500, "category": None, "trigger": {"min_severity": None}, "steps": []},
        {"name": "x", "category": None, "trigger": {"volume": {"count": 10, "window": "P9999D"}},
         "steps": [{"title": "t", "department": "it", "due_within": "-PT1H"}]},
    ],
)
def test_odd_playbook_bodies_are_400s(lead, body):
    response = client_for(lead).post("/api/v1/playbooks/", body, format="json")

    assert response.status_code == 400
    assert error_codes(response)


@pytest.mark.parametrize(
    "body",
    [{"playbook": "abc"}, {"playbook": [1]}, {"playbook": None}, {"playbook": 1, "cases": "1"},
     {"playbook": 1, "cases": [True]}, {"playbook": 1, "cases": [int(HUGE)]}, {"playbook": 1, "note": ["x"]}],
)
def test_odd_activation_bodies_are_400s(lead, body):
    assert client_for(lead).post("/api/v1/activations/", body, format="json").status_code == 400


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/activations/{HUGE}/", "/api/v1/activations/abc/", "/api/v1/activations/-1/timeline/",
     f"/api/v1/playbooks/{HUGE}/", "/api/v1/playbooks/x/versions/", f"/api/v1/playbooks/1/versions/{HUGE}/"],
)
def test_odd_ids_are_404s(lead, path):
    assert client_for(lead).get(path).status_code == 404


@pytest.mark.parametrize("task_id", [HUGE, "abc", "0", "-5"])
def test_odd_task_ids_are_404s(member, activation, task_id):
    response = client_for(member).post(f"/api/v1/activations/{activation.pk}/tasks/{task_id}/complete/", {},
                                       format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["case=abc", f"case={HUGE}", "playbook=-1", "is_drill=maybe"])
def test_odd_activation_filters_do_not_fail(lead, query):
    assert client_for(lead).get(f"/api/v1/activations/?{query}").status_code in (200, 400)


@pytest.mark.parametrize("body", [{"playbook": 1, "scheduled_for": "soon"}, {"playbook": 1, "repeat_every": "P0D"},
                                  {"playbook": 1, "extra": True}])
def test_odd_drill_bodies_are_400s(lead, body):
    assert client_for(lead).post("/api/v1/drills/", body, format="json").status_code == 400


def test_rota_without_bounds_is_a_400(lead):
    response = client_for(lead).get("/api/v1/emergency-group/rota/?start=yesterday")

    assert (response.status_code, set(error_codes(response))) == (400, {"start"})


def test_review_with_non_text_fields_is_a_400(lead, activation):
    client = client_for(lead)
    client.post(f"/api/v1/activations/{activation.pk}/transitions/acknowledge/")
    client.post(f"/api/v1/activations/{activation.pk}/transitions/resolve/", {"override_reason": "x"}, format="json")

    response = client.post(f"/api/v1/activations/{activation.pk}/transitions/submit_review/",
                           {"summary": ["a"], "root_cause": 1, "what_worked": None, "improvements": ""}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/activations/?state=%00", "/api/v1/activations/?state=open",
                                  "/api/v1/playbooks/?category=%00", "/api/v1/playbooks/?status=nope"])
def test_bad_filter_values_are_400s(lead, path):
    assert client_for(lead).get(path).status_code == 400


def test_a_category_with_a_nul_is_a_400(lead):
    response = client_for(lead).post("/api/v1/playbooks/", {"name": "x", "category": "a\x00b", "trigger": {
        "min_severity": "high"}, "steps": [{"title": "t", "department": "it", "due_within": "PT1H"}]}, format="json")

    assert (response.status_code, set(error_codes(response))) == (400, {"category"})
