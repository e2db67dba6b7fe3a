"""Two sweeps at once on real connections: every level of every deadline fires exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import Team
from tests.timers.conftest import racing_sweeps
from timers.models import EscalationStep

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_racing_sweeps_fire_each_level_of_a_team_deadline_once(handler, open_deadline):
    deadlines = [
        open_deadline(Team.objects.create(code=f"race{n}", name=f"组{n}"), warn_ago=120, due_in=timedelta(seconds=-1))
        for n in range(15)
    ]
    results, errors = racing_sweeps(batch_size=4)
    expected = sorted((d.pk, level) for d in deadlines for level in (1, 2))
    assert (
        errors,
        sum(r.fired for r in results),
        sorted(handler.fired),
        EscalationStep.objects.filter(deadline__in=deadlines).count(),
    ) == ([], 30, expected, 30)
