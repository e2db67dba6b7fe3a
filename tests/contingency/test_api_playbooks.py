"""Playbooks over the API: shape, versioning, validation (400 naming the field, nothing half-written)."""

import pytest

from contingency.models import Activation, Playbook, PlaybookVersion
from tests.api.conftest import client_for, error_codes

pytestmark = pytest.mark.django_db

STEP = {"title": "核实投诉事实", "instructions": "调取通话录音", "department": "collection_ops", "due_within": "PT4H"}


def payload(**overrides):
    data = {
        "name": "测试应急方案", "name_en": "Test playbook", "category": "privacy", "status": "active",
        "key_points": ["保密原则"], "trigger": {"min_severity": "high", "volume": {"count": 5, "window": "PT30M"}},
        "steps": [STEP, {**STEP, "title": "法律合规评估", "department": "legal", "due_within": "P1D"}],
    }
    data.update(overrides)
    return data


def counts():
    return Playbook.objects.count(), PlaybookVersion.objects.count()


def test_the_demo_playbooks_cover_every_category_and_the_mass_complaint(lead):
    body = client_for(lead).get("/api/v1/playbooks/?page_size=100").json()

    by_category = {p["category"]: p for p in body["results"]}
    assert len(body["results"]) == 9
    assert by_category["privacy"]["trigger"] == {
        "min_severity": "critical",
        "risk_flags_any": ["regulator_referral", "media_exposure", "self_harm_risk", "violence_threat"],
    }
    assert by_category[None]["trigger"] == {"volume": {"count": 10, "window": "PT1H"}}
    assert by_category["privacy"]["name"] == "个人信息保护应急方案"


def test_playbook_has_the_contract_fields(agent, conduct_playbook):
    body = client_for(agent).get(f"/api/v1/playbooks/{conduct_playbook.pk}/").json()

    assert {"id", "name", "category", "version", "status", "key_points", "trigger", "steps"} <= set(body)
    assert {"order", "title", "instructions", "department", "due_within"} <= set(body["steps"][0])
    assert body["steps"][0]["due_within"] == "PT1H"


def test_lead_creates_an_active_playbook(lead):
    response = client_for(lead).post("/api/v1/playbooks/", payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["status"], body["trigger"]["volume"]) == (1, "active", {"count": 5, "window": "PT30M"})
    assert [s["order"] for s in body["steps"]] == [1, 2]


def test_patching_an_active_playbook_makes_a_new_active_version(lead, conduct_playbook):
    response = client_for(lead).patch(f"/api/v1/playbooks/{conduct_playbook.pk}/", {"key_points": ["新要点"]},
                                      format="json")

    assert (response.json()["version"], response.json()["key_points"]) == (2, ["新要点"])
    assert list(conduct_playbook.versions.order_by("number").values_list("status", flat=True)) == ["retired", "active"]


def test_an_activation_keeps_the_version_it_started_with(lead, activation, conduct_playbook):
    client_for(lead).patch(f"/api/v1/playbooks/{conduct_playbook.pk}/", {"key_points": ["新要点"]}, format="json")

    assert Activation.objects.get(pk=activation.pk).playbook_version.number == 1


def test_patching_a_draft_edits_it_in_place(lead):
    created = client_for(lead).post("/api/v1/playbooks/", payload(status="draft"), format="json").json()

    response = client_for(lead).patch(f"/api/v1/playbooks/{created['id']}/", {"key_points": ["改"]}, format="json")
    assert (response.json()["version"], response.json()["status"], response.json()["key_points"]) == (1, "draft", ["改"])


def test_activating_a_draft_by_status(lead):
    created = client_for(lead).post("/api/v1/playbooks/", payload(status="draft"), format="json").json()

    response = client_for(lead).patch(f"/api/v1/playbooks/{created['id']}/", {"status": "active"}, format="json")
    assert response.json()["status"] == "active"


def test_retiring_a_playbook_stops_its_trigger(lead, conduct_playbook, agent, committed_case):
    client_for(lead).patch(f"/api/v1/playbooks/{conduct_playbook.pk}/", {"status": "retired"}, format="json")

    committed_case(actor=agent, severity="critical")
    assert not Activation.objects.filter(playbook=conduct_playbook).exists()


def test_a_proposed_version_from_scratch_is_a_draft_copy(lead, conduct_playbook):
    response = client_for(lead).post(f"/api/v1/playbooks/{conduct_playbook.pk}/versions/", {}, format="json")

    assert (response.status_code, response.json()["number"], response.json()["status"]) == (201, 2, "draft")
    assert response.json()["based_on"] == 1


def test_a_draft_version_is_activated_by_its_action(lead, conduct_playbook):
    client_for(lead).post(f"/api/v1/playbooks/{conduct_playbook.pk}/versions/", {}, format="json")

    response = client_for(lead).post(f"/api/v1/playbooks/{conduct_playbook.pk}/versions/2/activate/")
    assert response.json()["status"] == "active"
    assert conduct_playbook.versions.get(number=1).status == "retired"


def test_activating_an_active_version_is_a_409(lead, conduct_playbook):
    assert client_for(lead).post(f"/api/v1/playbooks/{conduct_playbook.pk}/versions/1/activate/").status_code == 409


@pytest.mark.parametrize(
    ("overrides", "attr"),
    [
        ({"category": "no_such_category"}, "category"),
        ({"steps": [STEP, STEP, {k: v for k, v in STEP.items() if k != "due_within"}]}, "steps.2.due_within"),
        ({"steps": [{**STEP, "due_within": "4 hours"}]}, "steps.0.due_within"),
        ({"steps": [{**STEP, "department": "marketing"}]}, "steps.0.department"),
        ({"steps": []}, "steps"),
        ({"trigger": {"volume": {"count": -3, "window": "PT60M"}}}, "trigger.volume.count"),
        ({"trigger": {"risk_flags_any": ["regulator_referral", "aliens"]}}, "trigger.risk_flags_any.1"),
        ({"trigger": {"min_severity": "apocalyptic"}}, "trigger.min_severity"),
        ({"trigger": {}}, "trigger"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_playbook_input_is_a_400_naming_the_field_and_writes_nothing(lead, overrides, attr):
    before = counts()

    response = client_for(lead).post("/api/v1/playbooks/", payload(**overrides), format="json")
    assert response.status_code == 400
    assert attr in error_codes(response)
    assert counts() == before


def test_a_bad_patch_writes_no_version(lead, conduct_playbook):
    before = counts()

    response = client_for(lead).patch(
        f"/api/v1/playbooks/{conduct_playbook.pk}/", {"steps": [{**STEP, "due_within": None}]}, format="json"
    )
    assert (response.status_code, counts()) == (400, before)


def test_a_non_object_body_is_a_400(lead):
    assert client_for(lead).post("/api/v1/playbooks/", [1, 2], format="json").status_code == 400
