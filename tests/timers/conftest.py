"""A test-only subject type for the generic engine: deadlines on `accounts.Team`, with a handler
whose ladder is one warning at `warn_at` and one breach step at `due_at`."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Team
from timers import registry
from timers.services import deadline_open
from timers.sweep import SweepResult, deadlines_sweep

TEAM = "accounts.Team"
WARN, BREACH = 1, 2


class TeamHandler:
    """Records what it fires; a team whose code is in `finished` has no ladder any more."""

    def __init__(self) -> None:
        self.fired: list[tuple[int, int]] = []
        self.finished: set[str] = set()
        self.loads = 0
        self._lock = threading.Lock()

    def load(self, object_ids):
        self.loads += 1
        return {team.pk: team for team in Team.objects.filter(pk__in=list(object_ids))}

    def level_times(self, row, subject):
        if subject.code in self.finished:
            return None
        return {WARN: row.warn_at, BREACH: row.due_at}

    def fire(self, steps, subjects):
        with self._lock:
            self.fired += [(step.deadline.pk, step.level) for step in steps]


@pytest.fixture
def handler():
    handler = TeamHandler()
    registry.register(TEAM, handler)
    yield handler
    registry.unregister(TEAM)


@pytest.fixture
def team(db):
    return Team.objects.create(code="timers-test", name="计时测试组")


@pytest.fixture
def open_deadline():
    """`open_deadline(team, warn_ago=…, due_in=…)`: a deadline on the team, warned `warn_ago`
    seconds ago (or in the future when negative) and due `due_in` from now."""

    def make(subject, *, kind="task", warn_ago: float = 1, due_in: timedelta = timedelta(days=1)):
        now = timezone.now()
        return deadline_open(
            subject=subject,
            kind=kind,
            started_at=now - timedelta(days=1),
            due_at=now + due_in,
            warn_at=now - timedelta(seconds=warn_ago),
        )

    return make


def racing_sweeps(*, sweeps: int = 2, batch_size: int = 5) -> tuple[list[SweepResult], list[Exception]]:
    """Start `sweeps` sweeps at the same moment, each in its own thread and database connection
    (transactional tests only); returns their results and any errors."""
    barrier = threading.Barrier(sweeps)
    results: list[SweepResult] = []
    errors: list[Exception] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(deadlines_sweep(batch_size=batch_size))
        except Exception as exc:  # surfaced by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors
