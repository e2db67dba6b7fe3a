"""The trigger-kept counters behind the dashboard (complaints per day, open cases by state,
category, severity and assignee): kept by PostgreSQL whatever writes the cases, merged by the
beat task, equal to counting the cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from complaints.choices import OPEN_STATES
from complaints.models import ComplaintCase, IntakeHourly, OpenCaseCount
from complaints.reporting import dashboard
from complaints.reporting.summaries import counters_compact
from complaints.reporting.tasks import refresh_report_summaries
from tests.factories import advance, make_case

pytestmark = pytest.mark.django_db


def _per_day(actor) -> dict:
    return {row["day"]: row["count"] for row in dashboard.daily_intake(actor=actor) if row["count"]}


def _counted_from_cases(actor) -> dict:
    """The same figure counted from the cases (the fallback off PostgreSQL)."""
    days: dict = {}
    for case in ComplaintCase.objects.filter(team_id__in=actor.team_ids):
        day = timezone.localdate(case.received_at)
        days[day] = days.get(day, 0) + 1
    return days


@pytest.fixture
def cases(agent, agent_b):
    now = timezone.now()
    return [
        make_case(actor=agent),
        make_case(actor=agent, received_at=(now - timedelta(days=3)).isoformat()),
        make_case(actor=agent_b, received_at=(now - timedelta(days=40)).isoformat()),
    ]


def test_created_cases_count_on_their_local_day(supervisor, cases):
    assert _per_day(supervisor) == _counted_from_cases(supervisor)


def test_a_received_time_moved_to_another_day_moves_the_count(supervisor, cases):
    moved_to = timezone.now() - timedelta(days=10)
    ComplaintCase.objects.filter(pk=cases[0].pk).update(received_at=moved_to)

    per_day = _per_day(supervisor)

    assert per_day.get(timezone.localdate()) is None
    assert per_day[timezone.localdate(moved_to)] == 1


def test_a_case_moved_to_another_team_leaves_the_first_teams_count(supervisor_a, team_b, cases):
    ComplaintCase.objects.filter(pk=cases[1].pk).update(team=team_b)

    assert sum(_per_day(supervisor_a).values()) == 1


def test_cases_written_in_bulk_are_counted(supervisor, cases):
    copies = []
    for n in range(2):
        copy = ComplaintCase.objects.get(pk=cases[0].pk)
        copy.pk = None
        copy.reference = f"{copy.reference}B{n}"
        copies.append(copy)

    ComplaintCase.objects.bulk_create(copies)

    assert _per_day(supervisor)[timezone.localdate()] == 3


def test_merging_leaves_one_row_per_hour_and_team_and_the_same_figures(supervisor, agent, cases):
    make_case(actor=agent)
    before = _per_day(supervisor)

    counters_compact()

    assert _per_day(supervisor) == before
    pairs = list(IntakeHourly.objects.values_list("hour", "team_id"))
    assert len(pairs) == len(set(pairs))


def test_the_beat_task_merges_the_intake_rows(agent, cases):
    make_case(actor=agent)

    result = refresh_report_summaries()

    assert result["counter_rows"] >= 1


def _open_counted_from_cases(actor) -> list[tuple]:
    rows = (
        ComplaintCase.objects.filter(team_id__in=actor.team_ids, state__in=OPEN_STATES)
        .values_list("state", "category_id", "severity", "assignee_id")
        .annotate(n=Count("*"))
    )
    return sorted(rows, key=str)


def _open_from_counters(actor) -> list[tuple]:
    rows = dashboard.open_groups(actor=actor)
    return sorted(((r["state"], r["category_id"], r["severity"], r["assignee_id"], r["n"]) for r in rows), key=str)


def test_open_counts_follow_transitions_to_closed(supervisor, agent, cases):
    advance(cases[0], actor=agent, steps=6)
    advance(cases[1], actor=agent, steps=2)

    assert _open_from_counters(supervisor) == _open_counted_from_cases(supervisor)
    assert dashboard.open_breakdown(actor=supervisor)["total"] == 2


def test_a_reassigned_case_moves_in_the_workload(supervisor, agent, agent_b, cases):
    ComplaintCase.objects.filter(pk=cases[2].pk).update(assignee=agent_b)

    workload = {row["user"].username: row["open"] for row in dashboard.workload(actor=supervisor)}

    assert workload[agent_b.username] == 1


def test_merging_leaves_the_same_open_counts(supervisor, agent, cases):
    advance(cases[1], actor=agent, steps=3)
    before = _open_from_counters(supervisor)

    counters_compact()

    assert _open_from_counters(supervisor) == before
    keys = list(OpenCaseCount.objects.values_list("team_id", "state", "category_id", "severity", "assignee_id"))
    assert len(keys) == len(set(keys))
