"""The lifecycle of docs/api-guide.md, pinned: states, transition names and every (source, target, name)."""

import pytest
from django_fsm import can_proceed, has_transition_perm

from complaints.choices import CaseState
from complaints.models import ComplaintCase
from complaints.services import TRANSITIONS, case_transition
from tests.factories import advance, make_case

ALLOWED = {
    ("intake", "verify", "start_verification"),
    ("verify", "communicate", "complete_verification"),
    ("communicate", "resolve", "propose_resolution"),
    ("resolve", "feedback", "resolve"),
    ("feedback", "follow_up", "record_feedback"),
    ("follow_up", "closed", "close"),
    ("feedback", "communicate", "reopen"),
    ("follow_up", "communicate", "reopen"),
    ("closed", "communicate", "reopen"),
    ("intake", "withdrawn", "withdraw"),
    ("verify", "withdrawn", "withdraw"),
    ("communicate", "withdrawn", "withdraw"),
    ("resolve", "withdrawn", "withdraw"),
    ("feedback", "withdrawn", "withdraw"),
    ("follow_up", "withdrawn", "withdraw"),
}


def _declared() -> set[tuple[str, str, str]]:
    field = ComplaintCase._meta.get_field("state")
    return {(str(t.source), str(t.target), t.name) for t in field.get_all_transitions(ComplaintCase)}


def test_model_declares_exactly_the_allowed_transitions():
    assert _declared() == ALLOWED


def test_states_are_those_of_the_api():
    assert CaseState.values == [
        "intake", "verify", "communicate", "resolve", "feedback", "follow_up", "closed", "withdrawn",
    ]


def test_service_exposes_every_model_transition_and_no_other():
    assert set(TRANSITIONS) == {name for _, _, name in ALLOWED}


def test_state_field_is_protected(db, agent):
    case = make_case(actor=agent)

    with pytest.raises(AttributeError):
        case.state = CaseState.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("steps", "available"),
    [
        (0, {"start_verification", "withdraw"}),
        (1, {"complete_verification", "withdraw"}),
        (2, {"propose_resolution", "withdraw"}),
        (3, {"resolve", "withdraw"}),
        (4, {"record_feedback", "reopen", "withdraw"}),
        (5, {"close", "reopen", "withdraw"}),
        (6, {"reopen"}),
    ],
)
def test_available_transitions_follow_the_state(agent, steps, available):
    case = advance(make_case(actor=agent), actor=agent, steps=steps)

    assert {t.name for t in case.get_available_user_state_transitions(agent)} == available


def test_withdrawn_case_offers_no_transition(db, agent):
    case = make_case(actor=agent)

    case = case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "客户撤诉"})

    assert list(case.get_available_user_state_transitions(agent)) == []


def test_transition_permission_allows_an_agent_of_the_team(db, agent):
    assert has_transition_perm(make_case(actor=agent).start_verification, agent)


def test_transition_permission_refuses_an_auditor(db, agent, auditor):
    assert not has_transition_perm(make_case(actor=agent).start_verification, auditor)


def test_transition_permission_refuses_an_agent_of_another_team(db, agent, agent_b):
    assert not has_transition_perm(make_case(actor=agent).start_verification, agent_b)


def test_withdraw_permission_allows_the_creating_api_client(db, callcenter):
    assert has_transition_perm(make_case(actor=callcenter).withdraw, callcenter)


def test_guard_blocks_complete_verification_without_assignee(db, agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    case.assignee = None

    assert not can_proceed(case.complete_verification)
