"""The escalation ladder, one sweep at a time (service level, in one test transaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints import signals
from complaints.models import CaseEvent, ComplaintCase
from notifications.models import Delivery, Notification
from tests.escalation.factories import DeadlineFactory, breached_deadline, due_deadline
from timers.models import Deadline, EscalationStep
from timers.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db

WARN, SUPERVISOR, EMERGENCY = 1, 2, 3


def steps(deadline):
    return list(EscalationStep.objects.filter(deadline=deadline).values_list("level", flat=True))


def events(case, kind):
    return CaseEvent.objects.filter(case=case, kind=kind).count()


def test_warning_fires_at_warn_time(case):
    deadline = due_deadline(case)
    deadlines_sweep()
    assert steps(deadline) == [WARN]


def test_warning_moves_next_check_to_due_time(case):
    deadline = due_deadline(case)
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (deadline.escalation_level, deadline.next_check_at, deadline.breached) == (WARN, deadline.due_at, False)


def test_warning_raises_case_level_without_breach(case):
    due_deadline(case)
    deadlines_sweep()
    case.refresh_from_db()
    assert (case.escalation_level, case.is_breached) == (WARN, False)


def test_warning_lands_on_timeline(case):
    due_deadline(case)
    deadlines_sweep()
    assert events(case, "deadline_warning") == 1


def test_warning_notifies_the_assignee_only(case, people):
    due_deadline(case)
    deadlines_sweep()
    recipients = set(Notification.objects.filter(case=case).values_list("recipient__username", "kind"))
    assert recipients == {("agent", "deadline_warning")}


def test_warning_without_assignee_notifies_team_supervisors(case, people):
    ComplaintCase.objects.filter(pk=case.pk).update(assignee=None)
    due_deadline(case)
    deadlines_sweep()
    assert list(Notification.objects.filter(case=case).values_list("recipient__username", flat=True)) == ["supervisor"]


def test_deadline_not_yet_due_is_left_alone(case):
    deadline = DeadlineFactory(case=case)
    result = deadlines_sweep()
    assert (result.claimed, steps(deadline)) == (0, [])


def test_breach_escalates_to_supervisor(case):
    deadline = breached_deadline(case)
    deadlines_sweep()
    assert steps(deadline) == [SUPERVISOR]


def test_breach_marks_deadline_and_case_breached(case):
    deadline = breached_deadline(case)
    deadlines_sweep()
    deadline.refresh_from_db()
    case.refresh_from_db()
    assert (deadline.breached, case.is_breached, case.escalation_level) == (True, True, SUPERVISOR)


def test_breach_lands_on_timeline(case):
    breached_deadline(case)
    deadlines_sweep()
    assert events(case, "deadline_breach") == 1


def test_breach_notifies_supervisor_and_assignee(case, people):
    breached_deadline(case)
    deadlines_sweep()
    assert set(Notification.objects.filter(case=case).values_list("recipient__username", flat=True)) == {
        "supervisor", "agent"
    }


def test_breach_schedules_emergency_after_policy_period(case):
    deadline = breached_deadline(case)
    case.sla_terms = {**case.sla_terms, "emergency_after": 7200}
    case.save(update_fields=["sla_terms"])
    deadlines_sweep()
    deadline.refresh_from_db()
    assert deadline.next_check_at == deadline.due_at + timedelta(hours=2)


def test_emergency_waits_for_the_further_period(case):
    deadline = breached_deadline(case)
    deadlines_sweep()
    assert EMERGENCY not in steps(deadline)


def test_emergency_fires_after_the_further_period(case):
    case.sla_terms = {**case.sla_terms, "emergency_after": 60}
    case.save(update_fields=["sla_terms"])
    deadline = breached_deadline(case, seconds_ago=61, escalation_level=SUPERVISOR, breached=True)
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (steps(deadline), deadline.next_check_at) == ([EMERGENCY], None)


def test_emergency_notifies_the_emergency_group(case, people):
    case.sla_terms = {**case.sla_terms, "emergency_after": 60}
    case.save(update_fields=["sla_terms"])
    breached_deadline(case, seconds_ago=61, escalation_level=SUPERVISOR, breached=True)
    deadlines_sweep()
    assert set(Notification.objects.filter(case=case, kind="escalation").values_list("recipient__username", flat=True)) == {
        "lead", "member", "supervisor"
    }


def test_emergency_lands_on_timeline_as_escalation(case):
    case.sla_terms = {**case.sla_terms, "emergency_after": 60}
    case.save(update_fields=["sla_terms"])
    breached_deadline(case, seconds_ago=61, escalation_level=SUPERVISOR, breached=True)
    deadlines_sweep()
    assert events(case, "escalation") == 1


def test_critical_case_reaches_emergency_group_at_breach(critical_case):
    deadline = breached_deadline(critical_case)
    deadlines_sweep()
    assert steps(deadline) == [SUPERVISOR, EMERGENCY]


def test_overdue_deadline_catches_up_every_missed_step(case):
    deadline = DeadlineFactory(case=case, due_in=timedelta(seconds=-5))
    deadlines_sweep()
    assert steps(deadline) == [WARN, SUPERVISOR]


def test_second_sweep_fires_nothing(case):
    due_deadline(case)
    deadlines_sweep()
    result = deadlines_sweep()
    assert (result.fired, events(case, "deadline_warning")) == (0, 1)


def test_step_already_recorded_is_not_fired_again(case):
    deadline = due_deadline(case)
    EscalationStep.objects.create(deadline=deadline, level=WARN)
    result = deadlines_sweep()
    assert (result.fired, events(case, "deadline_warning"), Notification.objects.count()) == (0, 0, 0)


def test_step_already_recorded_still_advances_the_deadline(case):
    deadline = due_deadline(case)
    EscalationStep.objects.create(deadline=deadline, level=WARN)
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (deadline.escalation_level, deadline.next_check_at) == (WARN, deadline.due_at)


def test_database_refuses_a_second_step_of_one_level(case):
    deadline = DeadlineFactory(case=case)
    EscalationStep.objects.create(deadline=deadline, level=WARN)
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationStep.objects.create(deadline=deadline, level=WARN)


def test_met_deadline_is_not_swept(case):
    deadline = due_deadline(case, state="met")
    deadlines_sweep()
    assert steps(deadline) == []


def test_deadline_of_withdrawn_case_escalates_nobody(case, people):
    ComplaintCase.objects.filter(pk=case.pk).update(state="withdrawn")
    deadline = due_deadline(case)
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (steps(deadline), deadline.next_check_at) == ([], None)


def test_case_level_is_never_lowered(case):
    ComplaintCase.objects.filter(pk=case.pk).update(escalation_level=EMERGENCY)
    due_deadline(case)
    deadlines_sweep()
    case.refresh_from_db()
    assert case.escalation_level == EMERGENCY


def test_sweep_works_through_every_batch(make_quiet_case):
    deadlines = [due_deadline(make_quiet_case()) for _ in range(5)]
    result = deadlines_sweep(batch_size=2)
    assert (result.fired, result.batches, EscalationStep.objects.filter(deadline__in=deadlines).count()) == (5, 3, 5)


def test_cases_escalated_is_sent_after_commit(case, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.extend((e["case_id"], e["deadline_id"], e["level"]) for e in kwargs["escalations"])

    signals.cases_escalated.connect(receiver)
    try:
        deadline = due_deadline(case)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            deadlines_sweep()
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        signals.cases_escalated.disconnect(receiver)
    assert received == [(case.pk, deadline.pk, WARN)]


def test_email_delivery_is_queued_for_the_assignee(case, people):
    due_deadline(case)
    deadlines_sweep()
    assert list(Delivery.objects.values_list("notification__recipient__username", "channel")) == [("agent", "email")]


def test_emergency_step_also_queues_sms(critical_case, people):
    breached_deadline(critical_case)
    deadlines_sweep()
    assert Delivery.objects.filter(channel="sms", notification__recipient=people["lead"]).count() == 1


def test_deadline_met_by_transition_is_not_escalated(case, people):
    """A deadline the SLA code has met (state met, no next check) stays quiet."""
    deadline = due_deadline(case)
    Deadline.objects.filter(pk=deadline.pk).update(state="met", met_at=timezone.now(), next_check_at=None)
    deadlines_sweep()
    assert steps(deadline) == []




def test_backlog_asks_for_help_once(make_quiet_case):
    for _ in range(5):
        due_deadline(make_quiet_case())
    calls = []
    deadlines_sweep(batch_size=2, on_backlog=lambda: calls.append(1))
    assert calls == [1]


def test_no_backlog_no_help(case):
    due_deadline(case)
    calls = []
    deadlines_sweep(batch_size=2, on_backlog=lambda: calls.append(1))
    assert calls == []


def test_breached_case_is_listed_by_the_breached_filter(case, people):
    from rest_framework.test import APIClient

    breached_deadline(case)
    deadlines_sweep()
    client = APIClient()
    client.force_authenticate(people["supervisor"])
    response = client.get("/api/v1/complaints/?breached=true")
    assert [c["id"] for c in response.json()["results"]] == [case.pk]


def test_case_raised_to_critical_after_its_breach_reaches_the_emergency_group_at_once(case, people):
    from complaints import deadlines

    deadline = breached_deadline(case)
    deadlines_sweep()  # the supervisor now; the emergency group a day later for a normal case
    ComplaintCase.objects.filter(pk=case.pk).update(severity="critical")
    case.refresh_from_db()
    deadlines.on_severity_changed(case=case)
    deadlines_sweep()
    assert steps(deadline) == [SUPERVISOR, EMERGENCY]


def test_case_lowered_from_critical_waits_for_the_emergency_period_again(critical_case):
    from complaints import deadlines

    deadline = breached_deadline(critical_case, escalation_level=SUPERVISOR, breached=True)
    terms = {**critical_case.sla_terms, "emergency_after": 7200}
    ComplaintCase.objects.filter(pk=critical_case.pk).update(severity="normal", sla_terms=terms)
    critical_case.refresh_from_db()
    deadlines.on_severity_changed(case=critical_case)
    deadline.refresh_from_db()
    assert deadline.next_check_at == deadline.due_at + timedelta(hours=2)


def test_an_edit_raising_the_severity_to_critical_reaches_the_emergency_group_at_once(case, people):
    from complaints.services import case_update

    deadline = breached_deadline(case)
    deadlines_sweep()
    case_update(case_id=case.pk, actor=people["agent"], changes={"severity": "critical"})
    deadlines_sweep()
    assert steps(deadline) == [SUPERVISOR, EMERGENCY]
