"""Deadline rows opened and met as a case moves through its stages (complaints.deadlines)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints import escalation, services
from complaints.choices import DeadlineKind, DeadlineState, EscalationLevel, Severity
from complaints.models import ComplaintCase, SlaPolicy
from tests.factories import advance, make_case
from timers.models import Deadline

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _deadline(case, kind, state=DeadlineState.PENDING):
    return Deadline.objects.get(case=case, kind=kind, state=state)


def _states(case):
    return sorted((d.kind, d.state) for d in Deadline.objects.filter(case=case))


def test_new_case_has_pending_acknowledge_and_final_answer(agent):
    case = make_case(actor=agent)
    assert _states(case) == [("acknowledge", "pending"), ("final_answer", "pending")]


def test_final_answer_is_due_15_days_after_receipt(agent):
    case = make_case(actor=agent, received_at="2026-11-20T10:00:00+08:00")
    assert _deadline(case, DeadlineKind.FINAL_ANSWER).due_at == datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)


def test_deadlines_of_a_new_case_start_at_receipt(agent):
    case = make_case(actor=agent, received_at="2026-11-20T10:00:00+08:00")
    starts = {d.started_at for d in Deadline.objects.filter(case=case)}
    assert starts == {datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)}


def test_warn_at_lies_at_the_warn_ratio_of_the_span(agent):
    case = make_case(actor=agent, received_at="2026-11-20T10:00:00+08:00")
    deadline = _deadline(case, DeadlineKind.FINAL_ANSWER)
    assert deadline.warn_at == deadline.started_at + timedelta(days=15) * 0.75


def test_open_deadline_is_next_checked_at_its_warning(agent):
    case = make_case(actor=agent)
    deadline = _deadline(case, DeadlineKind.FINAL_ANSWER)
    assert deadline.next_check_at == deadline.warn_at


def test_critical_case_gets_the_shorter_critical_final_answer(agent):
    case = make_case(actor=agent, severity="critical", received_at="2026-11-20T10:00:00+08:00")
    assert _deadline(case, DeadlineKind.FINAL_ANSWER).due_at == datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def test_case_keeps_a_copy_of_its_policy_terms(agent):
    case = make_case(actor=agent, severity="high")
    policy = SlaPolicy.objects.get(category__code="collection_conduct", severity=Severity.HIGH)
    assert case.sla_terms["policy_id"] == policy.pk


def test_case_policy_terms_are_stored_with_the_case(agent):
    case = make_case(actor=agent, severity="high")
    policy = SlaPolicy.objects.get(category__code="collection_conduct", severity=Severity.HIGH)

    stored = ComplaintCase.objects.values_list("sla_terms", flat=True).get(pk=case.pk)

    assert stored["policy_id"] == policy.pk


def test_working_day_policy_skips_the_spring_festival(agent):
    SlaPolicy.objects.filter(category__code="collection_conduct", severity=Severity.NORMAL).update(
        calendar="working_days", final_answer_within=timedelta(days=5)
    )
    case = make_case(actor=agent, received_at="2025-01-24T10:00:00+08:00")
    assert _deadline(case, DeadlineKind.FINAL_ANSWER).due_at == datetime(2025, 2, 7, 10, 0, tzinfo=SHANGHAI)


def test_working_day_policy_counts_2026_make_up_saturday(agent):
    SlaPolicy.objects.filter(category__code="collection_conduct", severity=Severity.NORMAL).update(
        calendar="working_days", acknowledge_within=timedelta(days=1)
    )
    case = make_case(actor=agent, received_at="2026-02-13T16:00:00+08:00")
    assert _deadline(case, DeadlineKind.ACKNOWLEDGE).due_at == datetime(2026, 2, 14, 16, 0, tzinfo=SHANGHAI)


def test_start_verification_meets_acknowledge(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.ACKNOWLEDGE)
    assert (deadline.state, deadline.met_at is not None) == (DeadlineState.MET, True)


def test_met_deadline_is_no_longer_checked(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    assert Deadline.objects.get(case=case, kind=DeadlineKind.ACKNOWLEDGE).next_check_at is None


def test_entering_verify_opens_verify_deadline_from_now(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    deadline = _deadline(case, DeadlineKind.VERIFY)
    assert deadline.due_at - deadline.started_at == timedelta(days=5)


def test_complete_verification_meets_verify(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=2)
    assert Deadline.objects.get(case=case, kind=DeadlineKind.VERIFY).state == DeadlineState.MET


def test_final_answer_stays_pending_through_communication(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=3)
    assert _deadline(case, DeadlineKind.FINAL_ANSWER).met_at is None


def test_resolve_meets_final_answer(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=4)
    assert Deadline.objects.get(case=case, kind=DeadlineKind.FINAL_ANSWER).state == DeadlineState.MET


def test_resolve_opens_follow_up(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=4)
    deadline = _deadline(case, DeadlineKind.FOLLOW_UP)
    assert deadline.due_at - deadline.started_at == timedelta(days=7)


def test_close_meets_every_deadline(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=6)
    assert {d.state for d in Deadline.objects.filter(case=case)} == {DeadlineState.MET}


def test_withdraw_cancels_pending_deadlines(agent):
    case = make_case(actor=agent)
    services.case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "客户撤诉"})
    assert _states(case) == [("acknowledge", "cancelled"), ("final_answer", "cancelled")]


def test_withdrawn_case_has_nothing_left_to_check(agent):
    case = make_case(actor=agent)
    services.case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "客户撤诉"})
    assert not Deadline.objects.filter(case=case, next_check_at__isnull=False).exists()


def test_reopen_opens_a_new_final_answer(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=6)
    services.case_transition(case_id=case.pk, name="reopen", actor=agent, payload={"reason": "客户不满意"})
    deadline = _deadline(case, DeadlineKind.FINAL_ANSWER)
    assert deadline.due_at - deadline.started_at == timedelta(days=15)


def test_reopen_from_follow_up_cancels_the_follow_up(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=5)
    services.case_transition(case_id=case.pk, name="reopen", actor=agent, payload={"reason": "客户不满意"})
    assert Deadline.objects.get(case=case, kind=DeadlineKind.FOLLOW_UP).state == DeadlineState.CANCELLED


def test_outbound_reached_contact_meets_acknowledge(agent):
    case = make_case(actor=agent)
    services.case_communication_add(
        case_id=case.pk, actor=agent,
        **{"channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "已告知受理"},
    )
    assert Deadline.objects.get(case=case, kind=DeadlineKind.ACKNOWLEDGE).state == DeadlineState.MET


def test_unanswered_call_leaves_acknowledge_pending(agent):
    case = make_case(actor=agent)
    services.case_communication_add(
        case_id=case.pk, actor=agent,
        **{"channel": "phone", "direction": "outbound", "outcome": "no_answer", "summary": "无人接听"},
    )
    assert _deadline(case, DeadlineKind.ACKNOWLEDGE).met_at is None


def test_next_check_after_warning_is_the_due_time(agent):
    deadline = _deadline(make_case(actor=agent), DeadlineKind.FINAL_ANSWER)
    assert escalation.next_check_after(deadline, EscalationLevel.WARN) == deadline.due_at


def test_next_check_after_supervisor_waits_emergency_after(agent):
    deadline = _deadline(make_case(actor=agent), DeadlineKind.FINAL_ANSWER)
    assert escalation.next_check_after(deadline, EscalationLevel.SUPERVISOR) == deadline.due_at + timedelta(days=1)


def test_next_check_after_supervisor_is_at_once_for_critical_cases(agent):
    deadline = _deadline(make_case(actor=agent, severity="critical"), DeadlineKind.FINAL_ANSWER)
    assert escalation.next_check_after(deadline, EscalationLevel.SUPERVISOR) == deadline.due_at


def test_nothing_is_checked_after_the_emergency_level(agent):
    deadline = _deadline(make_case(actor=agent), DeadlineKind.FINAL_ANSWER)
    assert escalation.next_check_after(deadline, EscalationLevel.EMERGENCY) is None
