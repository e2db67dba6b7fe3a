"""case_transition: each transition's effect, its timeline entry, its guards and permissions."""

from decimal import Decimal

import pytest

from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from complaints import signals
from complaints.choices import CaseState, EventKind
from complaints.models import CaseEvent, ResolutionAction
from complaints.services import case_transition
from tests.factories import HAPPY_PATH, UserFactory, advance, fire, make_case

pytestmark = pytest.mark.django_db


def _last_event(case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).latest("id")


def test_start_verification_moves_to_verify(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)

    assert case.state == CaseState.VERIFY


def test_start_verification_assigns_the_actor_by_default(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)

    assert case.assignee == agent


def test_start_verification_assigns_the_named_team_member(agent, supervisor):
    case = make_case(actor=agent)

    case = case_transition(case_id=case.pk, name="start_verification", actor=supervisor,
                           payload={"assignee": agent.pk})

    assert case.assignee == agent


def test_start_verification_refuses_an_assignee_from_another_team(agent, agent_b, supervisor):
    case = make_case(actor=agent)

    with pytest.raises(ValidationFailed) as exc:
        case_transition(case_id=case.pk, name="start_verification", actor=supervisor,
                        payload={"assignee": agent_b.pk})

    assert "assignee" in exc.value.errors


def test_transition_writes_event_with_from_to_actor_and_payload(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=2)

    event = _last_event(case)
    assert (event.kind, event.transition, event.from_state, event.to_state, event.actor, event.data) == (
        EventKind.TRANSITION, "complete_verification", "verify", "communicate", agent,
        {"finding": "substantiated", "notes": "通话记录显示一日拨打12次"},
    )


def test_complete_verification_records_the_finding(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=2)

    assert (case.verification_finding, case.verification_notes) == ("substantiated", "通话记录显示一日拨打12次")


def test_propose_resolution_records_the_customer_demand(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)

    assert case.customer_demand == "停止频繁来电"


def test_resolve_records_each_action(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)

    fire(case, "resolve", actor=agent, payload={
        "actions": [{"type": "fee_waiver", "amount": "120.00"}, {"type": "apology", "detail": "书面致歉"}],
        "summary": "减免逾期费用并致歉",
    })

    assert list(ResolutionAction.objects.filter(case=case).values_list("type", "amount", "detail")) == [
        ("fee_waiver", Decimal("120.00"), ""), ("apology", None, "书面致歉"),
    ]


def test_resolve_logs_the_actions_in_the_event(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=4)

    assert _last_event(case).data["actions"] == [
        {"type": "collection_method_change", "amount": None, "detail": "每日最多一次"}
    ]


def test_resolve_sets_resolved_at(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=4)

    assert case.resolved_at is not None


def test_record_feedback_stores_satisfaction_and_acceptance(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=5)

    assert (case.satisfaction, case.accepted) == (4, True)


def test_close_sets_closed_at(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=6)

    assert case.closed_at is not None


def test_reopen_returns_a_closed_case_to_communicate(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=6)

    case = case_transition(case_id=case.pk, name="reopen", actor=agent, payload={"reason": "客户不满意"})

    assert (case.state, case.reopen_count, case.closed_at) == (CaseState.COMMUNICATE, 1, None)


def test_reopened_case_must_propose_a_new_resolution(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=5)
    case_transition(case_id=case.pk, name="reopen", actor=agent, payload={"reason": "客户不接受方案"})

    case = case_transition(case_id=case.pk, name="propose_resolution", actor=agent,
                           payload={"customer_demand": "重新协商还款计划"})

    assert case.state == CaseState.RESOLVE


def test_withdraw_records_the_reason(agent):
    case = make_case(actor=agent)

    case = case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "客户已自行解决"})

    assert (case.state, case.withdrawal_reason) == (CaseState.WITHDRAWN, "客户已自行解决")


def test_each_transition_bumps_the_version(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)

    assert case.version == 4


def test_happy_path_writes_one_event_per_transition(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=6)

    assert list(CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION)
                .values_list("transition", flat=True)) == [name for name, _ in HAPPY_PATH]


def test_transition_not_possible_from_the_state_is_refused(agent):
    case = make_case(actor=agent)

    with pytest.raises(TransitionNotAllowed):
        case_transition(case_id=case.pk, name="close", actor=agent, payload={"notes": "x"})


def test_withdrawn_case_cannot_be_reopened(agent):
    case = make_case(actor=agent)
    case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "撤诉"})

    with pytest.raises(TransitionNotAllowed):
        case_transition(case_id=case.pk, name="reopen", actor=agent, payload={"reason": "x"})


def test_complete_verification_needs_an_assignee(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    type(case).objects.filter(pk=case.pk).update(assignee=None)

    with pytest.raises(TransitionNotAllowed):
        case_transition(case_id=case.pk, name="complete_verification", actor=agent, payload=HAPPY_PATH[1][1])


def test_unknown_transition_is_not_found(agent):
    case = make_case(actor=agent)

    with pytest.raises(NotFound):
        case_transition(case_id=case.pk, name="approve", actor=agent)


def test_transition_on_another_teams_case_is_not_found(agent, agent_b):
    case = make_case(actor=agent)

    with pytest.raises(NotFound):
        case_transition(case_id=case.pk, name="start_verification", actor=agent_b)


def test_auditor_may_see_but_not_transition(agent, auditor):
    case = make_case(actor=agent)

    with pytest.raises(ActionNotPermitted):
        case_transition(case_id=case.pk, name="start_verification", actor=auditor)


def test_api_client_may_withdraw_its_own_case(callcenter):
    case = make_case(actor=callcenter)

    case = case_transition(case_id=case.pk, name="withdraw", actor=callcenter, payload={"reason": "客户撤回"})

    assert case.state == CaseState.WITHDRAWN


def test_api_client_may_not_work_its_own_case(callcenter):
    case = make_case(actor=callcenter)

    with pytest.raises(ActionNotPermitted):
        case_transition(case_id=case.pk, name="start_verification", actor=callcenter)


def test_supervisor_may_work_a_case_of_their_team(agent_b, supervisor):
    case = make_case(actor=agent_b)

    case = case_transition(case_id=case.pk, name="start_verification", actor=supervisor)

    assert case.state == CaseState.VERIFY


def test_admin_may_work_any_case(agent, admin_user):
    case = make_case(actor=agent)

    case = case_transition(case_id=case.pk, name="start_verification", actor=admin_user)

    assert case.state == CaseState.VERIFY


def test_inactive_agent_may_not_transition(agent):
    case = make_case(actor=agent)
    stale = UserFactory(username="gone", role="agent", teams=[case.team])
    stale.is_active = False
    stale.save()

    with pytest.raises(NotFound):
        case_transition(case_id=case.pk, name="start_verification", actor=stale)


def test_stale_version_is_a_conflict(agent):
    case = make_case(actor=agent)

    with pytest.raises(ConflictError):
        case_transition(case_id=case.pk, name="start_verification", actor=agent, version=case.version + 1)


def test_current_version_is_accepted(agent):
    case = make_case(actor=agent)

    case = case_transition(case_id=case.pk, name="start_verification", actor=agent, version=case.version)

    assert case.version == 2


def test_transition_signal_is_sent_after_commit(agent, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["transition"], kwargs["from_state"], kwargs["to_state"]))

    case = make_case(actor=agent)
    signals.case_transitioned.connect(receiver, dispatch_uid="test-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case_transition(case_id=case.pk, name="start_verification", actor=agent)
    finally:
        signals.case_transitioned.disconnect(dispatch_uid="test-receiver")

    assert received == [("start_verification", "intake", "verify")]
