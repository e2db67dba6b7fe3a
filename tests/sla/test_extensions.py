"""Extensions of the final answer: 30 days after receipt, a further 30 with approval, no third."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
)
from complaints import services
from complaints.choices import DeadlineKind, DeadlineState, EventKind
from complaints.models import CaseEvent, Communication
from complaints.tasks import send_extension_notice
from tests.factories import advance, make_case
from timers.models import Deadline

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = "2026-11-20T10:00:00+08:00"


def _pending_final_answer(case):
    return Deadline.objects.get(case=case, kind=DeadlineKind.FINAL_ANSWER, state=DeadlineState.PENDING)


def _extend(case, actor, reason="需调取催收录音，情况复杂"):
    return services.case_extend(case_id=case.pk, actor=actor, reason=reason)


def test_first_extension_moves_final_answer_to_30_days_after_receipt(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    assert _pending_final_answer(case).due_at == datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)


def test_first_extension_cancels_the_previous_final_answer_row(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    old = _pending_final_answer(case)
    _extend(case, agent)
    old.refresh_from_db()
    assert (old.state, old.next_check_at) == (DeadlineState.CANCELLED, None)


def test_extended_deadline_keeps_counting_from_receipt(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    assert _pending_final_answer(case).started_at == datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def test_extended_deadline_warns_at_the_ratio_of_the_new_span(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    deadline = _pending_final_answer(case)
    assert deadline.next_check_at == deadline.warn_at == datetime(2026, 12, 12, 22, 0, tzinfo=SHANGHAI)


def test_second_extension_adds_a_further_30_days(agent, supervisor):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    _extend(case, supervisor, reason="涉及多部门协查，情况特别复杂")
    assert _pending_final_answer(case).due_at == datetime(2027, 1, 19, 10, 0, tzinfo=SHANGHAI)


def test_second_extension_records_the_approving_supervisor(agent, supervisor):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    _extend(case, supervisor, reason="涉及多部门协查，情况特别复杂")
    event = CaseEvent.objects.filter(case=case, kind=EventKind.EXTENSION).last()
    assert (event.data["extension"], event.data["approved_by"]) == (2, supervisor.pk)


def test_agent_may_not_grant_the_second_extension(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    with pytest.raises(ActionNotPermitted):
        _extend(case, agent)


def test_third_extension_is_a_conflict(agent, supervisor):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    _extend(case, supervisor)
    with pytest.raises(ConflictError):
        _extend(case, supervisor)


def test_extension_counts_are_kept_on_the_case(agent, supervisor):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    case = _extend(case, supervisor)
    case.refresh_from_db()
    assert case.extension_count == 2


def test_extension_lands_on_the_timeline_with_its_reason(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent, reason="需调取催收录音")
    event = CaseEvent.objects.get(case=case, kind=EventKind.EXTENSION)
    assert (event.actor_id, event.data["reason"], event.data["extension"]) == (agent.pk, "需调取催收录音", 1)


def test_extension_of_another_teams_case_is_not_found(agent, agent_b):
    case = make_case(actor=agent)
    with pytest.raises(NotFound):
        _extend(case, agent_b)


def test_auditor_may_not_extend(agent, auditor):
    case = make_case(actor=agent)
    with pytest.raises(ActionNotPermitted):
        _extend(case, auditor)


def test_extension_after_the_final_answer_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=4)
    with pytest.raises(TransitionNotAllowed):
        _extend(case, agent)


def test_extension_of_a_withdrawn_case_is_refused(agent):
    case = make_case(actor=agent)
    services.case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "撤诉"})
    with pytest.raises(TransitionNotAllowed):
        _extend(case, agent)


def test_first_extension_never_shortens_a_longer_deadline(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    Deadline.objects.filter(case=case, kind=DeadlineKind.FINAL_ANSWER).update(
        due_at=datetime(2027, 1, 1, tzinfo=SHANGHAI)
    )
    _extend(case, agent)
    assert _pending_final_answer(case).due_at == datetime(2027, 1, 1, tzinfo=SHANGHAI)


def test_resolving_an_extended_case_meets_the_extended_deadline(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    advance(case, actor=agent, steps=4)
    assert Deadline.objects.get(case=case, kind=DeadlineKind.FINAL_ANSWER, due_at=datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)).state == DeadlineState.MET


def test_extension_schedules_the_complainant_notice_after_commit(agent, django_capture_on_commit_callbacks):
    case = make_case(actor=agent)
    with django_capture_on_commit_callbacks() as callbacks:
        _extend(case, agent)
    assert len(callbacks) == 1


def test_extension_notice_is_an_outbound_sms_to_the_complainant(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    send_extension_notice(case.pk, 1, agent.pk)
    comm = Communication.objects.get(case=case)
    assert (comm.channel, comm.direction, "2026-12-20" in comm.summary) == ("sms", "outbound", True)


def test_extension_notice_lands_on_the_timeline(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    send_extension_notice(case.pk, 1, agent.pk)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.COMMUNICATION, data__extension_notice=1).count() == 1


def test_extension_notice_is_recorded_once_when_redelivered(agent):
    case = make_case(actor=agent, received_at=RECEIVED)
    _extend(case, agent)
    send_extension_notice(case.pk, 1, agent.pk)
    send_extension_notice(case.pk, 1, agent.pk)
    assert Communication.objects.filter(case=case).count() == 1


def test_extension_notice_for_an_unknown_extension_records_nothing(agent):
    case = make_case(actor=agent)
    send_extension_notice(case.pk, 1, agent.pk)
    assert not Communication.objects.filter(case=case).exists()


def test_extension_notice_goes_by_email_without_a_phone(agent):
    case = make_case(
        actor=agent, received_at=RECEIVED,
        complainant={"name": "张三", "id_number": "110101199003071233", "email": "a@b.cn"},
    )
    _extend(case, agent)
    send_extension_notice(case.pk, 1, agent.pk)
    assert Communication.objects.get(case=case).channel == "email"
