"""A small known data set for the dashboard, the monthly report and the exports.

Team A (agent): c1 closed (satisfaction 4, on time); c2 in follow-up (satisfaction 2, final
answer late); c3 in intake, high severity, at risk; c4 in verification, breached; c6 resolved
on time and reopened. Team B (agent_b): c5 in intake, summary starting with "=".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from complaints import services
from complaints.models import CaseEvent
from complaints.reporting.summaries import summaries_refresh_recent
from tests.audit_trail import audit_trail_unlocked
from tests.factories import UserFactory, advance, make_case

FORMULA_SUMMARY = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def transition(case, actor, name, **payload):
    return services.case_transition(case_id=case.pk, name=name, actor=actor, payload=payload)


def final_answer(case):
    return case.deadlines.filter(kind="final_answer", state__in=["pending", "breached"])


def shift_events(case, *, hours_each: float) -> None:
    """Space the case's timeline entries `hours_each` apart, ending now (the timeline is
    append-only: raw SQL past the trigger)."""
    ids = list(CaseEvent.objects.filter(case=case).order_by("-id").values_list("id", flat=True))
    now = timezone.now()
    with audit_trail_unlocked(), connection.cursor() as cursor:
        for i, event_id in enumerate(ids):
            cursor.execute(
                f"UPDATE {CaseEvent._meta.db_table} SET at = %s WHERE id = %s",
                [now - timedelta(hours=hours_each * i), event_id],
            )


@pytest.fixture
def supervisor_a(team_a):
    return UserFactory(username="supervisor-a", role=Role.SUPERVISOR, teams=[team_a])


@pytest.fixture
def known(agent, agent_b, supervisor):
    now = timezone.now()
    c1 = advance(make_case(actor=agent, channel="phone"), actor=agent, steps=6)
    c2 = advance(make_case(actor=agent, channel="web", category="fee_dispute"), actor=agent, steps=3)
    final_answer(c2).update(due_at=now - timedelta(days=1), warn_at=now - timedelta(days=2))
    c2 = transition(c2, agent, "resolve", summary="已减免", actions=[{"type": "fee_waiver", "amount": "120.00"}])
    c2 = transition(c2, agent, "record_feedback", satisfaction=2, accepted=False)
    c3 = make_case(actor=agent, severity="high", channel="phone")
    final_answer(c3).update(warn_at=now - timedelta(hours=1), due_at=now + timedelta(hours=1))
    c4 = advance(make_case(actor=agent, channel="email"), actor=agent, steps=1)
    type(c4).objects.filter(pk=c4.pk).update(is_breached=True)
    c6 = advance(make_case(actor=agent, channel="phone"), actor=agent, steps=4)
    c6 = transition(c6, agent, "reopen", reason="客户不认可")
    c5 = make_case(actor=agent_b, channel="sms", summary=FORMULA_SUMMARY)
    # c1 spent 10 hours in each stage: its seven timeline entries lie 10 hours apart.
    shift_events(c1, hours_each=10)
    summaries_refresh_recent(days=5)
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6}
