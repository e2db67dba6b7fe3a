"""Pausing the verify and final-answer clocks while waiting for the customer."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from common.exceptions import ActionNotPermitted, ConflictError, TransitionNotAllowed
from complaints import services
from complaints.choices import DeadlineKind, DeadlineState, EventKind
from complaints.models import CaseEvent
from tests.factories import advance, make_case
from tests.sla.conftest import error_attrs
from timers.models import Deadline

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _final(case):
    return Deadline.objects.get(case=case, kind=DeadlineKind.FINAL_ANSWER, state=DeadlineState.PENDING)


def _pause(case, actor, reason="等待客户提供还款凭证"):
    return services.case_pause(case_id=case.pk, actor=actor, reason=reason)


def _paused_days_ago(case, days):
    """Pretend the pause began `days` ago (instead of sleeping)."""
    Deadline.objects.filter(case=case, paused_at__isnull=False).update(
        paused_at=_final(case).paused_at - timedelta(days=days)
    )


def test_pause_stops_the_sweep_watching_the_final_answer(agent):
    case = make_case(actor=agent)
    _pause(case, agent)
    deadline = _final(case)
    assert (deadline.paused_at is not None, deadline.next_check_at) == (True, None)


def test_pause_leaves_the_acknowledge_clock_running(agent):
    case = make_case(actor=agent)
    _pause(case, agent)
    ack = Deadline.objects.get(case=case, kind=DeadlineKind.ACKNOWLEDGE)
    assert (ack.paused_at, ack.next_check_at == ack.warn_at) == (None, True)


def _received_days_ago(days):
    # Relative to today: a fixed date would be past its 15-day final answer, and unpausable, later.
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0).isoformat()


def test_paused_time_does_not_count_on_resume(agent):
    received = timezone.now() - timedelta(days=5)
    case = make_case(actor=agent, received_at=received.replace(microsecond=0).isoformat())
    _pause(case, agent)
    _paused_days_ago(case, 3)
    services.case_resume(case_id=case.pk, actor=agent)
    expected = received + timedelta(days=15 + 3)
    assert expected - timedelta(hours=1) < _final(case).due_at < expected + timedelta(hours=1)


def test_resume_moves_the_warning_and_the_next_check(agent):
    case = make_case(actor=agent, received_at=_received_days_ago(5))
    warn_before = _final(case).warn_at
    _pause(case, agent)
    _paused_days_ago(case, 2)
    services.case_resume(case_id=case.pk, actor=agent)
    deadline = _final(case)
    assert deadline.next_check_at == deadline.warn_at > warn_before + timedelta(days=2) - timedelta(minutes=5)


def test_pause_and_resume_land_on_the_timeline(agent):
    case = make_case(actor=agent)
    _pause(case, agent)
    services.case_resume(case_id=case.pk, actor=agent)
    flags = [sorted(k for k in e.data if k.startswith("sla_")) for e in CaseEvent.objects.filter(case=case, kind=EventKind.UPDATE)]
    assert flags == [["sla_pause"], ["sla_resume"]]


def test_second_pause_is_a_conflict(agent):
    case = make_case(actor=agent)
    _pause(case, agent)
    with pytest.raises(ConflictError):
        _pause(case, agent)


def test_resume_without_pause_is_refused(agent):
    case = make_case(actor=agent)
    with pytest.raises(TransitionNotAllowed):
        services.case_resume(case_id=case.pk, actor=agent)


def test_overdue_final_answer_cannot_be_paused(agent):
    case = make_case(actor=agent, received_at="2026-10-01T10:00:00+08:00")
    with pytest.raises(TransitionNotAllowed):
        _pause(case, agent)


def test_auditor_may_not_pause(agent, auditor):
    case = make_case(actor=agent)
    with pytest.raises(ActionNotPermitted):
        _pause(case, auditor)


def test_transition_resumes_paused_deadlines(agent):
    case = make_case(actor=agent)
    _pause(case, agent)
    advance(case, actor=agent, steps=1)
    assert not Deadline.objects.filter(case=case, paused_at__isnull=False).exists()


def test_inbound_contact_from_the_complainant_resumes(agent):
    case = make_case(actor=agent)
    _pause(case, agent)
    services.case_communication_add(
        case_id=case.pk, actor=agent,
        **{"channel": "phone", "direction": "inbound", "outcome": "reached", "summary": "客户来电补充材料"},
    )
    assert _final(case).paused_at is None


def test_extension_of_a_paused_case_restarts_the_clock(agent):
    case = make_case(actor=agent, received_at=_received_days_ago(5))
    _pause(case, agent)
    services.case_extend(case_id=case.pk, actor=agent, reason="情况复杂")
    deadline = _final(case)
    assert (deadline.paused_at, deadline.next_check_at == deadline.warn_at) == (None, True)


def test_pause_endpoint_returns_the_case(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(f"/api/v1/complaints/{case.pk}/pause/", {"reason": "等待客户回电"}, format="json")
    assert (response.status_code, response.json()["id"]) == (200, case.pk)


def test_pause_endpoint_without_reason_is_400(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(f"/api/v1/complaints/{case.pk}/pause/", {}, format="json")
    assert error_attrs(response) == {"reason": "required"}


def test_pause_needs_a_reason(api, agent):
    case = make_case(actor=agent)
    response = api(agent).post(f"/api/v1/complaints/{case.pk}/pause/", {"reason": ""}, format="json")
    assert (response.status_code, error_attrs(response), _final(case).paused_at) == (400, {"reason": "required"}, None)


def test_resume_endpoint_without_pause_is_409(api, agent):
    case = make_case(actor=agent)
    assert api(agent).post(f"/api/v1/complaints/{case.pk}/resume/", {}, format="json").status_code == 409


def test_working_day_policy_does_not_count_a_paused_weekend(agent, monkeypatch):
    from complaints.models import SlaPolicy

    SlaPolicy.objects.filter(category__code="collection_conduct", severity="normal").update(calendar="working_days")
    case = make_case(actor=agent, received_at="2026-11-20T10:00:00+08:00")  # a Friday
    assert _final(case).due_at == datetime(2026, 12, 11, 10, 0, tzinfo=SHANGHAI)  # 15 working days
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))
    _pause(case, agent)
    Deadline.objects.filter(case=case, paused_at__isnull=False).update(
        paused_at=datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)  # Saturday
    )
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    services.case_resume(case_id=case.pk, actor=agent)
    # Ten working hours were paused (Monday 00:00-10:00), not two days and ten hours.
    assert _final(case).due_at == datetime(2026, 12, 11, 20, 0, tzinfo=SHANGHAI)
