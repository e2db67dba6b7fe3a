"""Two sweeps at once on real connections: every level of every deadline fires exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.models import Team
from timers.models import EscalationStep
from timers.sweep import deadlines_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_racing_sweeps_fire_each_level_of_a_team_deadline_once(handler, open_deadline):
    from datetime import timedelta

    deadlines = [
        open_deadline(Team.objects.create(code=f"race{n}", name=f"组{n}"), warn_ago=120, due_in=timedelta(seconds=-1))
        for n in range(15)
    ]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(deadlines_sweep(batch_size=4))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    expected = sorted((d.pk, level) for d in deadlines for level in (1, 2))
    assert (
        errors,
        sum(r.fired for r in results),
        sorted(handler.fired),
        EscalationStep.objects.filter(deadline__in=deadlines).count(),
    ) == ([], 30, expected, 30)
