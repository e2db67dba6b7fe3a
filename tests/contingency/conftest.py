"""Fixtures for the contingency suite: the emergency group, playbooks, activations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contingency.choices import Department, MemberRole
from contingency.models import DutyShift, GroupMember, Playbook
from contingency.triggers import triggers_forget
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _fresh_triggers():
    """Each test sees the playbooks of its own (rolled-back) database."""
    triggers_forget()
    yield
    triggers_forget()


def on_duty(user, *, role=MemberRole.MEMBER, department=Department.CUSTOMER_SERVICE) -> GroupMember:
    member, _ = GroupMember.objects.get_or_create(user=user, defaults={"role": role, "department": department})
    now = timezone.now()
    DutyShift.objects.create(member=member, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=8))
    return member


@pytest.fixture
def group(lead, member):
    """The lead and one member in the group, both on duty now."""
    return [
        on_duty(lead, role=MemberRole.LEAD, department=Department.COMPLIANCE),
        on_duty(member, role=MemberRole.MEMBER, department=Department.CUSTOMER_SERVICE),
    ]


@pytest.fixture
def conduct_playbook(db) -> Playbook:
    """The demo playbook of collection_conduct (data migration): critical or serious flags."""
    return Playbook.objects.get(code="collection_conduct")


@pytest.fixture
def mass_playbook(db) -> Playbook:
    return Playbook.objects.get(code="mass_complaint")


@pytest.fixture
def committed_case(django_capture_on_commit_callbacks):
    """`committed_case(actor=..., **payload)`: create a case and run its after-commit receivers."""

    def create(*, actor, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return make_case(actor=actor, **overrides)

    return create


@pytest.fixture
def activation(group, agent, committed_case, conduct_playbook):
    """An open activation of the conduct playbook, opened by a critical case."""
    from contingency.models import Activation

    case = committed_case(actor=agent, severity="critical")
    return Activation.objects.get(case_links__case=case)
