"""/api/v1/sla-policies/ and /api/v1/complaints/{id}/extension/ (docs/api-guide.md)."""

import pytest

from complaints.models import Category, SlaPolicy
from tests.factories import make_case
from tests.sla.conftest import error_attrs

pytestmark = pytest.mark.django_db
POLICIES = "/api/v1/sla-policies/"


def _policy(code="fee_dispute", severity="normal"):
    return SlaPolicy.objects.get(category__code=code, severity=severity)


@pytest.fixture
def new_category(db):
    return Category.objects.create(code="debt_sale", name_zh="债权转让", name_en="Debt sale", sort_order=900)


def _extension_url(case):
    return f"/api/v1/complaints/{case.pk}/extension/"


def test_agent_reads_policies_with_iso_durations(api, agent):
    response = api(agent).get(POLICIES, {"category": "fee_dispute", "severity": "normal"})
    assert response.json()["results"] == [
        {
            "id": _policy().pk, "category": "fee_dispute", "severity": "normal",
            "acknowledge_within": "P1D", "verify_within": "P5D", "final_answer_within": "P15D",
            "follow_up_within": "P7D", "calendar": "calendar", "warn_ratio": 0.75,
            "emergency_after": "P1D", "updated_at": response.json()["results"][0]["updated_at"],
        }
    ]


def test_policy_list_is_paginated_over_every_seeded_policy(api, auditor):
    body = api(auditor).get(POLICIES).json()
    assert (body["count"], len(body["results"])) == (32, 32)


def test_emergency_lead_may_read_policies(api, lead):
    assert api(lead).get(POLICIES).status_code == 200


def test_emergency_member_may_not_read_policies(api, member):
    assert api(member).get(POLICIES).status_code == 403


def test_api_client_may_not_read_policies(api, callcenter):
    assert api(callcenter).get(POLICIES).status_code == 403


def test_anonymous_policy_read_is_401(api):
    assert api(None).get(POLICIES).status_code == 401


def test_agent_reads_one_policy(api, agent):
    assert api(agent).get(f"{POLICIES}{_policy().pk}/").json()["final_answer_within"] == "P15D"


def test_unknown_policy_is_404(api, agent):
    assert api(agent).get(f"{POLICIES}999999/").status_code == 404


def test_supervisor_creates_a_policy(api, supervisor, new_category):
    response = api(supervisor).post(
        POLICIES,
        {"category": "debt_sale", "severity": "high", "final_answer_within": "P10D", "calendar": "working_days",
         "warn_ratio": 0.5},
        format="json",
    )
    assert (response.status_code, response.json()["final_answer_within"], response.json()["calendar"]) == (
        201, "P10D", "working_days",
    )


def test_created_policy_fills_unset_durations_with_defaults(api, admin_user, new_category):
    response = api(admin_user).post(POLICIES, {"category": "debt_sale", "severity": "low"}, format="json")
    assert response.json()["final_answer_within"] == "P15D"


def test_duplicate_policy_is_400(api, supervisor):
    response = api(supervisor).post(POLICIES, {"category": "fee_dispute", "severity": "normal"}, format="json")
    assert (response.status_code, error_attrs(response)) == (400, {"severity": "unique"})


def test_agent_may_not_create_a_policy(api, agent, new_category):
    response = api(agent).post(POLICIES, {"category": "debt_sale", "severity": "low"}, format="json")
    assert response.status_code == 403


def test_bad_policy_names_every_bad_field(api, supervisor):
    response = api(supervisor).post(
        POLICIES,
        {"category": "nope", "severity": "urgent", "verify_within": "5 days", "final_answer_within": "P0D",
         "calendar": "lunar", "warn_ratio": 1.5},
        format="json",
    )
    assert error_attrs(response) == {
        "category": "invalid_choice", "severity": "invalid_choice", "verify_within": "invalid",
        "final_answer_within": "min_value", "calendar": "invalid_choice", "warn_ratio": "invalid",
    }


def test_policy_without_category_and_severity_is_400(api, supervisor):
    response = api(supervisor).post(POLICIES, {}, format="json")
    assert error_attrs(response) == {"category": "required", "severity": "required"}


def test_non_object_policy_body_is_400(api, supervisor):
    response = api(supervisor).post(POLICIES, ["P15D"], format="json")
    assert response.status_code == 400


def test_supervisor_patches_a_policy(api, supervisor):
    response = api(supervisor).patch(f"{POLICIES}{_policy().pk}/", {"final_answer_within": "P12D"}, format="json")
    assert (response.status_code, _policy().final_answer_within.days) == (200, 12)


def test_patch_to_an_existing_category_and_severity_is_400(api, admin_user):
    response = api(admin_user).patch(f"{POLICIES}{_policy().pk}/", {"severity": "high"}, format="json")
    assert error_attrs(response) == {"severity": "unique"}


def test_patch_with_unknown_field_is_400(api, admin_user):
    response = api(admin_user).patch(f"{POLICIES}{_policy().pk}/", {"colour": "red"}, format="json")
    assert error_attrs(response) == {"colour": "unknown_field"}


def test_auditor_may_not_patch_a_policy(api, auditor):
    response = api(auditor).patch(f"{POLICIES}{_policy().pk}/", {"final_answer_within": "P12D"}, format="json")
    assert response.status_code == 403


def test_patched_policy_applies_to_cases_created_afterwards(api, supervisor, agent):
    api(supervisor).patch(
        f"{POLICIES}{_policy('collection_conduct').pk}/", {"final_answer_within": "P10D"}, format="json"
    )
    case = make_case(actor=agent, received_at="2026-11-20T10:00:00+08:00")
    body = api(agent).get(f"/api/v1/complaints/{case.pk}/").json()
    final = [d for d in body["deadlines"] if d["kind"] == "final_answer"]
    assert [d["due_at"] for d in final] == ["2026-11-30T10:00:00+08:00"]


def test_extension_returns_the_case_with_the_extended_deadline(api, agent):
    case = make_case(actor=agent, received_at="2026-11-20T10:00:00+08:00")
    body = api(agent).post(_extension_url(case), {"reason": "情况复杂"}, format="json").json()
    pending = [d["due_at"] for d in body["deadlines"] if d["kind"] == "final_answer" and d["state"] == "pending"]
    assert (body["extension_count"], pending) == (1, ["2026-12-20T10:00:00+08:00"])


def test_extension_without_reason_is_400(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(_extension_url(case), {}, format="json")
    assert error_attrs(response) == {"reason": "required"}


def test_extension_needs_a_reason(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(_extension_url(case), {"reason": "  "}, format="json")
    assert (response.status_code, error_attrs(response)) == (400, {"reason": "required"})


def test_extension_reason_must_be_text(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(_extension_url(case), {"reason": ["复杂"]}, format="json")
    assert (response.status_code, error_attrs(response)) == (400, {"reason": "invalid"})


def test_extension_with_a_json_array_body_is_400(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(_extension_url(case), ["案情复杂"], format="json")
    assert error_attrs(response) == {None: "invalid"}


def test_second_extension_by_agent_is_403(api, agent):
    case = make_case(actor=agent)
    api(agent).post(_extension_url(case), {"reason": "情况复杂"}, format="json")
    response = api(agent).post(_extension_url(case), {"reason": "情况特别复杂"}, format="json")
    assert response.status_code == 403


def test_third_extension_is_409(api, agent, supervisor):
    case = make_case(actor=agent)
    api(agent).post(_extension_url(case), {"reason": "情况复杂"}, format="json")
    api(supervisor).post(_extension_url(case), {"reason": "情况特别复杂"}, format="json")
    response = api(supervisor).post(_extension_url(case), {"reason": "再次延期"}, format="json")
    assert response.status_code == 409


def test_extension_of_invisible_case_is_404(api, agent, agent_b):
    case = make_case(actor=agent)
    assert api(agent_b).post(_extension_url(case), {"reason": "情况复杂"}, format="json").status_code == 404


def test_extension_appears_on_the_timeline(api, agent):
    case = make_case(actor=agent)
    api(agent).post(_extension_url(case), {"reason": "情况复杂"}, format="json")
    kinds = [e["kind"] for e in api(agent).get(f"/api/v1/complaints/{case.pk}/timeline/").json()["results"]]
    assert "extension" in kinds


def test_a_bad_extension_body_for_another_teams_case_is_a_404(api, agent_b, agent):
    from tests.factories import make_case

    case = make_case(actor=agent)

    response = api(agent_b).post(f"/api/v1/complaints/{case.pk}/extension/", {"reason": 7}, format="json")

    assert response.status_code == 404


def test_a_bad_policy_body_from_an_agent_is_a_403(api, agent):
    response = api(agent).post("/api/v1/sla-policies/", {"warn_ratio": "high"}, format="json")

    assert response.status_code == 403
