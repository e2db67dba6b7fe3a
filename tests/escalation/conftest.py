from __future__ import annotations

import pytest

from tests.factories import advance, make_case
from timers.models import Deadline


def _quiet_case(actor, **overrides):
    """A case with an assignee whose own SLA deadlines are cancelled, so only the test's rows count."""
    case = advance(make_case(actor=actor, **overrides), actor=actor, steps=1)
    Deadline.objects.filter(case=case).update(state="cancelled", next_check_at=None)
    case.refresh_from_db()
    return case


@pytest.fixture
def people(agent, supervisor, lead, member):
    for user, email, phone in (
        (agent, "agent@example.cn", "13900000001"),
        (supervisor, "sup@example.cn", "13900000002"),
        (lead, "lead@example.cn", "13900000003"),
        (member, "member@example.cn", "13900000004"),
    ):
        user.email, user.phone = email, phone
        user.save(update_fields=["email", "phone"])
    return {"agent": agent, "supervisor": supervisor, "lead": lead, "member": member}


@pytest.fixture
def case(people):
    return _quiet_case(people["agent"])


@pytest.fixture
def critical_case(people):
    return _quiet_case(people["agent"], severity="critical")


@pytest.fixture
def make_quiet_case(people):
    return lambda **overrides: _quiet_case(people["agent"], **overrides)

