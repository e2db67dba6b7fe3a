"""The open breached cases (OpenBreach) follow the cases whatever writes them, and the sweep's
breach update stays a HOT update (the flag is in no case index)."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.roles import Role
from complaints.models import ComplaintCase
from complaints.reporting import dashboard
from tests.escalation.factories import breached_deadline
from tests.factories import UserFactory, make_case
from timers.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


def listed(actor) -> list[int]:
    return [c.pk for c in dashboard.breached(actor=actor)["rows"]]


def test_a_case_breached_by_the_sweep_is_on_the_dashboard_list(case, supervisor):
    breached_deadline(case)

    deadlines_sweep()

    assert listed(supervisor) == [case.pk]


def test_the_sweeps_breach_update_writes_no_index(case):
    breached_deadline(case)

    def case_updates() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                [ComplaintCase._meta.db_table],
            )
            return cursor.fetchone()

    before = case_updates()
    deadlines_sweep()
    updated, hot = (after - prior for after, prior in zip(case_updates(), before, strict=True))

    case.refresh_from_db()
    assert case.is_breached
    assert (updated, hot) == (1, 1)


def test_a_closed_breached_case_leaves_the_list(case, supervisor):
    breached_deadline(case)
    deadlines_sweep()

    ComplaintCase.objects.filter(pk=case.pk).update(state="closed")

    assert listed(supervisor) == []


def test_a_reopened_breached_case_is_listed_again(case, supervisor):
    breached_deadline(case)
    deadlines_sweep()
    ComplaintCase.objects.filter(pk=case.pk).update(state="closed")

    ComplaintCase.objects.filter(pk=case.pk).update(state="verify")

    assert listed(supervisor) == [case.pk]


def test_a_breached_case_moved_to_another_team_is_listed_for_that_team(case, team_a, team_b):
    supervisor_a = UserFactory(username="supervisor-a", role=Role.SUPERVISOR, teams=[team_a])
    supervisor_b = UserFactory(username="supervisor-b", role=Role.SUPERVISOR, teams=[team_b])
    breached_deadline(case)
    deadlines_sweep()

    ComplaintCase.objects.filter(pk=case.pk).update(team=team_b)

    assert (listed(supervisor_a), listed(supervisor_b)) == ([], [case.pk])


def test_a_breached_open_case_inserted_in_bulk_is_listed(agent, supervisor):
    copy = make_case(actor=agent)
    copy.pk, copy.reference, copy.is_breached = None, "", True

    [inserted] = ComplaintCase.objects.bulk_create([copy])

    assert listed(supervisor) == [inserted.pk]
