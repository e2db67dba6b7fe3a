"""The lifecycle of docs/api-guide.md, pinned: states, transition names and every (source, target, name)."""

import pytest
from django_fsm import can_proceed

from complaints.choices import CaseState
from complaints.models import ComplaintCase
from complaints.selectors import case_available_transitions
from complaints.services import TRANSITIONS, case_transition
from complaints.transitions import may_fire
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

    assert set(case_available_transitions(case=case, user=agent)) == available


def test_withdrawn_case_offers_no_transition(db, agent):
    case = make_case(actor=agent)

    case = case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "客户撤诉"})

    assert case_available_transitions(case=case, user=agent) == []


def test_transition_permission_allows_an_agent_of_the_team(db, agent):
    assert may_fire(user=agent, case=make_case(actor=agent), name="start_verification")


def test_transition_permission_refuses_an_auditor(db, agent, auditor):
    assert not may_fire(user=auditor, case=make_case(actor=agent), name="start_verification")


def test_transition_permission_refuses_an_agent_of_another_team(db, agent, agent_b):
    assert not may_fire(user=agent_b, case=make_case(actor=agent), name="start_verification")


def test_withdraw_permission_allows_the_creating_api_client(db, callcenter):
    assert may_fire(user=callcenter, case=make_case(actor=callcenter), name="withdraw")


def test_guard_blocks_complete_verification_without_assignee(db, agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    case.assignee = None

    assert not can_proceed(case.complete_verification)


def test_the_model_declares_no_permission_of_its_own():
    """Who may fire a transition is defined once, in complaints.transitions."""
    field = ComplaintCase._meta.get_field("state")

    assert {t.permission for t in field.get_all_transitions(ComplaintCase)} == {None}
