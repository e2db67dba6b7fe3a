"""Opening, meeting, cancelling, pausing and resuming deadlines on any subject."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.timers.conftest import BREACH, WARN
from timers import services
from timers.choices import CalendarMode
from timers.models import Deadline

pytestmark = pytest.mark.django_db


def _spec(kind, now):
    return services.DeadlineSpec(
        kind=kind, started_at=now, due_at=now + timedelta(days=2), warn_at=now + timedelta(days=1)
    )


def test_several_kinds_open_in_one_insert(team, django_assert_num_queries):
    now = timezone.now()
    services.deadlines_of(team).exists()  # warm the content type cache
    with django_assert_num_queries(1):
        services.deadlines_open(subject=team, specs=[_spec("a", now), _spec("b", now)], replace=False)
    assert sorted(services.deadlines_of(team).values_list("kind", flat=True)) == ["a", "b"]


def test_opened_deadline_is_watched_from_its_warning(team):
    now = timezone.now()
    deadline = services.deadline_open(subject=team, **vars(_spec("task", now)))
    assert (deadline.next_check_at, deadline.state, deadline.subject) == (deadline.warn_at, "pending", team)


def test_opening_again_replaces_the_pending_deadline_of_that_kind(team):
    now = timezone.now()
    first = services.deadline_open(subject=team, **vars(_spec("task", now)))
    services.deadline_open(subject=team, **vars(_spec("task", now)))
    first.refresh_from_db()
    assert (first.state, services.deadlines_of(team).filter(state="pending").count()) == ("cancelled", 1)


def test_database_refuses_two_pending_deadlines_of_one_kind(team):
    now = timezone.now()
    services.deadline_open(subject=team, **vars(_spec("task", now)))
    with pytest.raises(IntegrityError), transaction.atomic():
        services.deadline_open(subject=team, replace=False, **vars(_spec("task", now)))


def test_meeting_stops_the_watch(team):
    deadline = services.deadline_open(subject=team, **vars(_spec("task", timezone.now())))
    services.deadlines_meet(subject=team, kinds=["task"])
    deadline.refresh_from_db()
    assert (deadline.state, deadline.next_check_at, deadline.met_at is not None) == ("met", None, True)


def test_cancelling_touches_only_the_kinds_named(team):
    now = timezone.now()
    services.deadlines_open(subject=team, specs=[_spec("a", now), _spec("b", now)])
    services.deadlines_cancel(subject=team, kinds=["a"])
    assert dict(services.deadlines_of(team).values_list("kind", "state")) == {"a": "cancelled", "b": "pending"}


def test_deadlines_of_another_subject_are_untouched(team):
    from accounts.models import Team

    other = Team.objects.create(code="other", name="其他组")
    now = timezone.now()
    services.deadline_open(subject=team, **vars(_spec("task", now)))
    mine = services.deadline_open(subject=other, **vars(_spec("task", now)))
    services.deadlines_meet(subject=team)
    mine.refresh_from_db()
    assert mine.state == "pending"


def test_pause_stops_the_watch_of_rows_not_yet_due(team):
    now = timezone.now()
    deadline = services.deadline_open(subject=team, **vars(_spec("task", now)))
    ids = services.deadlines_pause(subject=team, kinds=["task"], at=now)
    deadline.refresh_from_db()
    assert (ids, deadline.paused_at, deadline.next_check_at) == ([deadline.pk], now, None)


def test_resume_moves_the_times_by_the_pause_and_asks_the_handler_for_the_next_check(handler, team):
    now = timezone.now()
    deadline = services.deadline_open(subject=team, **vars(_spec("task", now)))
    services.deadlines_pause(subject=team, kinds=["task"], at=now - timedelta(hours=3))
    paused_for = services.deadlines_resume(subject=team, at=now)
    deadline.refresh_from_db()
    assert (paused_for, deadline.due_at, deadline.next_check_at) == (
        timedelta(hours=3), now + timedelta(days=2, hours=3), now + timedelta(days=1, hours=3)
    )


def test_resume_of_a_finished_subject_leaves_it_unwatched(handler, team):
    handler.finished.add(team.code)
    now = timezone.now()
    deadline = services.deadline_open(subject=team, **vars(_spec("task", now)))
    services.deadlines_pause(subject=team, kinds=["task"], at=now)
    services.deadlines_resume(subject=team, at=now + timedelta(hours=1))
    deadline.refresh_from_db()
    assert (deadline.paused_at, deadline.next_check_at) == (None, None)


def test_resume_without_a_pause_is_none(team):
    services.deadline_open(subject=team, **vars(_spec("task", timezone.now())))
    assert services.deadlines_resume(subject=team) is None


def test_recheck_follows_a_changed_ladder(handler, team):
    now = timezone.now()
    deadline = services.deadline_open(subject=team, **vars(_spec("task", now)))
    Deadline.objects.filter(pk=deadline.pk).update(escalation_level=WARN)
    changed = services.deadlines_recheck(subject=team)
    deadline.refresh_from_db()
    assert (changed, deadline.next_check_at) == (1, deadline.due_at)


def test_next_check_is_the_earliest_level_above(handler, team):
    deadline = services.deadline_open(subject=team, **vars(_spec("task", timezone.now())))
    assert (
        services.deadline_next_check(deadline, level=0),
        services.deadline_next_check(deadline, level=WARN),
        services.deadline_next_check(deadline, level=BREACH),
    ) == (deadline.warn_at, deadline.due_at, None)


def test_working_day_resume_skips_a_weekend_pause(team):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    started = datetime(2026, 11, 2, 10, 0, tzinfo=shanghai)  # a Monday
    due = datetime(2026, 11, 11, 10, 0, tzinfo=shanghai)  # Wednesday next week
    services.deadline_open(subject=team, kind="task", started_at=started, due_at=due, warn_at=due)
    services.deadlines_pause(subject=team, kinds=["task"], at=datetime(2026, 11, 7, 9, 0, tzinfo=shanghai))
    services.deadlines_resume(
        subject=team, at=datetime(2026, 11, 8, 20, 0, tzinfo=shanghai), mode=CalendarMode.WORKING_DAYS
    )
    assert services.deadlines_of(team).get().due_at == due
