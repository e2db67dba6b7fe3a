"""Demo data of the contingency app for `seed_demo`: the emergency group, its rota, training.

The demo playbooks themselves come from the data migration `0002_seed_playbooks` (texts of the
source document); this seeder re-runs it so that a database whose playbooks were removed gets
them back. Idempotent.
"""

from __future__ import annotations

import importlib
from datetime import datetime, time, timedelta

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from contingency.choices import Department, MemberRole, VersionStatus
from contingency.models import DutyShift, GroupMember, PlaybookVersion, TrainingRecord

# username → (role in the group, department)
GROUP = {
    "lead": (MemberRole.LEAD, Department.COMPLIANCE),
    "supervisor": (MemberRole.DEPUTY, Department.COLLECTION_OPS),
    "member": (MemberRole.MEMBER, Department.CUSTOMER_SERVICE),
    "auditor": (MemberRole.MEMBER, Department.LEGAL),
}
DAY_SHIFT = ("lead", "member")  # 08:00–20:00
NIGHT_SHIFT = ("supervisor",)  # 20:00–08:00
ROTA_DAYS = 14
TRAINED = ("lead", "member")


def _ensure_playbooks() -> None:
    migration = importlib.import_module("contingency.migrations.0002_seed_playbooks")
    migration.seed(apps, None)


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_demo(*, users: dict, stdout=None, **kwargs) -> None:
    """The emergency group, a two-week rota from yesterday and training on the active versions."""
    _ensure_playbooks()
    members = {}
    for username, (role, department) in GROUP.items():
        user = users.get(username)
        if user is None:
            continue
        members[username], _created = GroupMember.objects.get_or_create(
            user=user, defaults={"role": role, "department": department}
        )
    today = timezone.localdate()
    for username, member in members.items():
        if member.shifts.exists():
            continue
        shifts = []
        for offset in range(-1, ROTA_DAYS):
            day = today + timedelta(days=offset)
            if username in DAY_SHIFT:
                shifts.append(DutyShift(member=member, starts_at=_at(day, 8), ends_at=_at(day, 20)))
            if username in NIGHT_SHIFT:
                shifts.append(DutyShift(member=member, starts_at=_at(day, 20), ends_at=_at(day + timedelta(days=1), 8)))
        DutyShift.objects.bulk_create(shifts)
    trained_at = timezone.now() - timedelta(days=7)
    for version in PlaybookVersion.objects.filter(status=VersionStatus.ACTIVE):
        for username in TRAINED:
            if username in members:
                TrainingRecord.objects.get_or_create(
                    user=members[username].user, playbook_version=version, defaults={"trained_at": trained_at}
                )
    if stdout is not None:
        stdout.write(_("Emergency group: %(members)d members, rota for %(days)d days.")
                     % {"members": len(members), "days": ROTA_DAYS})
