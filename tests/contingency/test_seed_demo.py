"""`seed_demo` with the contingency seeder: the group, a rota, training; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from contingency.models import DutyShift, GroupMember, Playbook, PlaybookVersion, TrainingRecord
from contingency.selectors import lead_for_new_activation, members_untrained

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", force=True, cases=3, stdout=StringIO())


def _counts():
    return (GroupMember.objects.count(), DutyShift.objects.count(), TrainingRecord.objects.count(),
            Playbook.objects.count(), PlaybookVersion.objects.count())


def test_seed_demo_makes_the_emergency_group_with_lead_and_member():
    _seed()

    roles = dict(GroupMember.objects.values_list("user__username", "role"))
    assert (roles["lead"], roles["member"]) == ("lead", "member")


def test_seed_demo_has_someone_on_duty_around_the_clock():
    _seed()

    assert lead_for_new_activation() is not None


def test_seed_demo_trains_lead_and_member_on_every_active_playbook():
    _seed()

    untrained = {m.user.username for _v, members in members_untrained() for m in members}
    assert untrained == {"supervisor", "auditor"}


def test_seed_demo_twice_changes_nothing_of_the_group():
    _seed()
    before = _counts()
    _seed()

    assert _counts() == before


def test_seed_demo_puts_back_removed_playbooks():
    PlaybookVersion.objects.all().delete()
    Playbook.objects.all().delete()
    _seed()

    assert Playbook.objects.count() == 9
