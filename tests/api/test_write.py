import pytest

from tests.api.conftest import case_url, error_codes
from tests.factories import HAPPY_PATH, advance, make_case

pytestmark = pytest.mark.django_db


def transition(client, case, name, payload=None):
    return client.post(case_url(case, f"transitions/{name}/"), payload or {}, format="json")


# -- PATCH ----------------------------------------------------------------------------------


def test_patch_edits_descriptive_fields_and_bumps_the_version(api, agent, case_a):
    response = api(agent).patch(case_url(case_a), {"summary": "催收电话太多", "version": 1}, format="json")

    assert response.status_code == 200
    assert (response.json()["summary"], response.json()["version"]) == ("催收电话太多", 2)


def test_patch_naming_state_is_a_400(api, agent, case_a):
    response = api(agent).patch(case_url(case_a), {"state": "closed"}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"state": "read_only"}


def test_patch_with_a_stale_version_is_a_409(api, agent, case_a):
    client = api(agent)
    client.patch(case_url(case_a), {"summary": "第一次修改", "version": 1}, format="json")

    response = client.patch(case_url(case_a), {"summary": "第二次修改", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["type"] == "conflict"


def test_patch_with_a_non_integer_version_is_a_400(api, agent, case_a):
    response = api(agent).patch(case_url(case_a), {"summary": "x", "version": "1"}, format="json")

    assert error_codes(response) == {"version": "invalid"}


def test_patch_names_every_bad_field(api, agent, case_a):
    response = api(agent).patch(case_url(case_a), {"severity": "urgent", "summary": ""}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"severity": "invalid_choice", "summary": "required"}


def test_patch_by_an_auditor_is_a_403(api, auditor, case_a):
    assert api(auditor).patch(case_url(case_a), {"summary": "x"}, format="json").status_code == 403


def test_patch_by_another_team_is_a_404(api, agent_b, case_a):
    assert api(agent_b).patch(case_url(case_a), {"summary": "x"}, format="json").status_code == 404


def test_put_is_not_allowed(api, agent, case_a):
    response = api(agent).put(case_url(case_a), {"summary": "x"}, format="json")

    assert response.status_code == 405
    assert response.json()["type"] == "method_not_allowed"


# -- transitions ----------------------------------------------------------------------------


def test_the_happy_path_runs_through_the_api_to_closed(api, agent, case_a):
    client = api(agent)
    for name, payload in HAPPY_PATH:
        response = transition(client, case_a, name, payload)
        assert response.status_code == 200, (name, response.json())

    assert response.json()["state"] == "closed"
    assert response.json()["available_transitions"] == ["reopen"]


def test_a_transition_returns_the_case_with_its_new_state_and_version(api, agent, case_a):
    body = transition(api(agent), case_a, "start_verification").json()

    assert (body["state"], body["version"]) == ("verify", 2)
    assert body["assignee"]["id"] == agent.pk


def test_an_unknown_transition_is_a_404(api, agent, case_a):
    response = transition(api(agent), case_a, "teleport")

    assert response.status_code == 404
    assert error_codes(response) == {None: "not_found"}


def test_a_transition_not_allowed_from_the_state_is_a_409(api, agent, case_a):
    response = transition(api(agent), case_a, "close", {"notes": "结案"})

    assert response.status_code == 409
    assert error_codes(response) == {None: "invalid_transition"}


def test_a_transition_with_a_bad_payload_is_a_400_naming_each_field(api, agent, case_a):
    advance(case_a, actor=agent, steps=1)

    response = transition(api(agent), case_a, "complete_verification", {"finding": "maybe"})

    assert response.status_code == 400
    assert error_codes(response) == {"finding": "invalid_choice", "notes": "required"}


def test_resolve_names_the_bad_action_by_index(api, agent, case_a):
    advance(case_a, actor=agent, steps=3)
    payload = {"actions": [{"type": "apology"}, {"type": "fee_waiver"}], "summary": "已处理"}

    response = transition(api(agent), case_a, "resolve", payload)

    assert error_codes(response) == {"actions.1.amount": "required"}


def test_a_transition_with_a_stale_version_is_a_409(api, agent, case_a):
    response = transition(api(agent), case_a, "start_verification", {"version": 7})

    assert response.status_code == 409
    assert error_codes(response) == {None: "conflict"}


def test_an_auditor_may_not_fire_transitions(api, auditor, case_a):
    response = transition(api(auditor), case_a, "start_verification")

    assert response.status_code == 403
    assert error_codes(response) == {None: "permission_denied"}


def test_another_teams_agent_gets_a_404_for_a_transition(api, agent_b, case_a):
    assert transition(api(agent_b), case_a, "start_verification").status_code == 404


def test_the_api_client_may_withdraw_its_own_case(api, callcenter, team_a):
    case = make_case(actor=callcenter)

    response = transition(api(callcenter), case, "withdraw", {"reason": "客户撤回投诉"})

    assert response.status_code == 200
    assert response.json()["available_transitions"] == []


def test_the_api_client_may_not_work_its_case(api, callcenter, team_a):
    case = make_case(actor=callcenter)

    assert transition(api(callcenter), case, "start_verification").status_code == 403


def test_a_transition_body_that_is_not_an_object_is_a_400(api, agent, case_a):
    response = api(agent).post(case_url(case_a, "transitions/withdraw/"), "withdraw", format="json")

    assert response.status_code == 400


# -- assign ---------------------------------------------------------------------------------


def test_supervisor_reassigns_a_case_to_a_team_agent(api, supervisor, agent, case_a):
    response = api(supervisor).post(case_url(case_a, "assign/"), {"assignee": agent.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == agent.pk


def test_an_agent_may_not_reassign(api, agent, case_a):
    assert (
        api(agent).post(case_url(case_a, "assign/"), {"assignee": agent.pk}, format="json").status_code == 403
    )


def test_reassigning_to_someone_outside_the_team_is_a_400(api, supervisor, agent_b, case_a):
    response = api(supervisor).post(case_url(case_a, "assign/"), {"assignee": agent_b.pk}, format="json")

    assert error_codes(response) == {"assignee": "invalid_choice"}


def test_assign_without_an_assignee_field_is_a_400(api, supervisor, case_a):
    response = api(supervisor).post(case_url(case_a, "assign/"), {}, format="json")

    assert error_codes(response) == {"assignee": "required"}


# -- notes, communications, timeline --------------------------------------------------------


def test_agent_adds_a_note(api, agent, case_a):
    response = api(agent).post(
        case_url(case_a, "notes/"), {"body": "已调取录音 🎧", "internal": True}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["body"] == "已调取录音 🎧"


def test_api_client_adds_a_note_to_its_own_case(api, callcenter, team_a):
    case = make_case(actor=callcenter)

    assert (
        api(callcenter).post(case_url(case, "notes/"), {"body": "客户补充材料"}, format="json").status_code
        == 201
    )


def test_auditor_may_not_add_notes(api, auditor, case_a):
    assert api(auditor).post(case_url(case_a, "notes/"), {"body": "x"}, format="json").status_code == 403


def test_an_empty_note_is_a_400(api, agent, case_a):
    response = api(agent).post(case_url(case_a, "notes/"), {"body": "", "internal": "yes"}, format="json")

    assert error_codes(response) == {"body": "required", "internal": "invalid"}


def test_agent_records_a_communication(api, agent, case_a):
    payload = {"channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "已致电客户说明"}

    response = api(agent).post(case_url(case_a, "communications/"), payload, format="json")

    assert response.status_code == 201
    assert response.json()["outcome"] == "reached"


def test_a_communication_with_bad_choices_names_them(api, agent, case_a):
    payload = {"channel": "pigeon", "direction": "sideways", "outcome": "reached", "summary": "x"}

    response = api(agent).post(case_url(case_a, "communications/"), payload, format="json")

    assert error_codes(response) == {"channel": "invalid_choice", "direction": "invalid_choice"}


def test_lead_without_an_activation_gets_a_404_for_communications(api, lead, case_a):
    payload = {"channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "x"}

    assert api(lead).post(case_url(case_a, "communications/"), payload, format="json").status_code == 404


def test_timeline_lists_entries_oldest_first_in_api_md_shape(api, agent, case_a):
    advance(case_a, actor=agent, steps=1)
    api(agent).post(case_url(case_a, "notes/"), {"body": "备注"}, format="json")

    results = api(agent).get(case_url(case_a, "timeline/")).json()["results"]

    assert [e["kind"] for e in results] == ["created", "transition", "note"]
    assert set(results[0]) == {"id", "kind", "at", "actor", "summary", "data"}
    assert results[1]["data"]["transition"] == "start_verification"
    assert results[1]["actor"]["id"] == agent.pk


def test_timeline_of_another_teams_case_is_a_404(api, agent_b, case_a):
    assert api(agent_b).get(case_url(case_a, "timeline/")).status_code == 404


def test_api_client_may_not_edit_its_case(api, callcenter, team_a):
    case = make_case(actor=callcenter)

    assert api(callcenter).patch(case_url(case), {"summary": "改"}, format="json").status_code == 403


def test_supervisor_works_cases_of_every_team_they_supervise(api, supervisor, agent_b):
    case = make_case(actor=agent_b)

    assert transition(api(supervisor), case, "start_verification").status_code == 200


def test_admin_may_fire_transitions_on_any_case(api, admin_user, case_a):
    assert transition(api(admin_user), case_a, "withdraw", {"reason": "重复登记"}).status_code == 200


def test_auditor_reads_the_timeline_of_any_case(api, auditor, case_a):
    assert api(auditor).get(case_url(case_a, "timeline/")).status_code == 200


def test_auditor_may_not_record_communications(api, auditor, case_a):
    payload = {"channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "x"}

    assert api(auditor).post(case_url(case_a, "communications/"), payload, format="json").status_code == 403


def test_an_api_clients_timeline_has_no_internal_note(api, callcenter, agent, team_a):
    case = make_case(actor=callcenter)
    api(agent).post(case_url(case, "notes/"), {"body": "内部：客户疑似职业索赔人", "internal": True}, format="json")

    body = api(callcenter).get(case_url(case, "timeline/")).content.decode()

    assert "职业索赔人" not in body


def test_an_api_client_still_sees_a_note_meant_for_it(api, callcenter, agent, team_a):
    case = make_case(actor=callcenter)
    api(agent).post(case_url(case, "notes/"), {"body": "已联系客户确认", "internal": False}, format="json")

    kinds = [entry["kind"] for entry in api(callcenter).get(case_url(case, "timeline/")).json()["results"]]

    assert "note" in kinds


def test_an_agent_sees_internal_notes_on_the_timeline(api, agent, case_a):
    api(agent).post(case_url(case_a, "notes/"), {"body": "内部：需主管跟进", "internal": True}, format="json")

    assert "需主管跟进" in api(agent).get(case_url(case_a, "timeline/")).content.decode()
