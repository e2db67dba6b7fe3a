"""The sweep is generic: a deadline on a subject that is not a case is fired by its own handler."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Team
from tests.timers.conftest import BREACH, TEAM, WARN
from timers import registry
from timers.models import EscalationStep
from timers.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db


def steps(deadline):
    return list(EscalationStep.objects.filter(deadline=deadline).values_list("level", flat=True))


def test_deadline_on_a_team_fires_its_handlers_warning(handler, team, open_deadline):
    deadline = open_deadline(team)
    deadlines_sweep()
    assert (handler.fired, steps(deadline)) == ([(deadline.pk, WARN)], [WARN])


def test_warned_deadline_is_next_checked_at_the_handlers_next_level(handler, team, open_deadline):
    deadline = open_deadline(team)
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (deadline.escalation_level, deadline.next_check_at, deadline.breached) == (WARN, deadline.due_at, False)


def test_overdue_deadline_fires_every_missed_level_and_is_breached(handler, team, open_deadline):
    deadline = open_deadline(team, warn_ago=120, due_in=timedelta(seconds=-60))
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (steps(deadline), deadline.breached, deadline.next_check_at) == ([WARN, BREACH], True, None)


def test_a_second_sweep_fires_nothing_again(handler, team, open_deadline):
    open_deadline(team)
    deadlines_sweep()
    result = deadlines_sweep()
    assert (result.fired, len(handler.fired)) == (0, 1)


def test_finished_subject_stops_being_watched_and_fires_nothing(handler, team, open_deadline):
    handler.finished.add(team.code)
    deadline = open_deadline(team)
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (handler.fired, steps(deadline), deadline.next_check_at) == ([], [], None)


def test_deleted_subject_counts_as_finished(handler, team, open_deadline):
    deadline = open_deadline(team)
    Team.objects.filter(pk=team.pk).delete()
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (handler.fired, deadline.next_check_at) == ([], None)


def test_subjects_of_a_batch_are_loaded_in_one_call(handler, open_deadline):
    for n in range(3):
        open_deadline(Team.objects.create(code=f"t{n}", name=f"组{n}"))
    deadlines_sweep()
    assert (handler.loads, len(handler.fired)) == (1, 3)


def test_rows_without_a_registered_handler_are_retried_later(team, open_deadline):
    registry.unregister(TEAM)
    deadline = open_deadline(team)
    before = timezone.now()
    deadlines_sweep()
    deadline.refresh_from_db()
    assert (steps(deadline), deadline.next_check_at > before + timedelta(minutes=59)) == ([], True)


def test_cases_and_other_subjects_are_swept_together(handler, team, open_deadline, agent):
    from tests.escalation.factories import due_deadline
    from tests.factories import advance, make_case

    case = advance(make_case(actor=agent), actor=agent, steps=1)
    case.deadlines.update(state="cancelled", next_check_at=None)
    case_deadline = due_deadline(case)
    team_deadline = open_deadline(team)
    result = deadlines_sweep()
    assert (result.fired, steps(case_deadline), handler.fired) == (2, [WARN], [(team_deadline.pk, WARN)])
