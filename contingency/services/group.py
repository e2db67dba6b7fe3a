"""Training records (加强培训)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, ValidationFailed
from contingency.models import TrainingRecord


def training_record_create(*, actor, user, playbook_version, trained_at, notes: str = "") -> TrainingRecord:
    """Record that `user` was trained on `playbook_version` (once per user and version)."""
    if not actor.has_perm("contingency.write_training"):
        raise ActionNotPermitted(_("Only the emergency lead records training."))
    try:
        with transaction.atomic():
            return TrainingRecord.objects.create(
                user=user, playbook_version=playbook_version, trained_at=trained_at, notes=notes, recorded_by=actor
            )
    except IntegrityError:
        raise ValidationFailed.single(
            "playbook_version", "unique", _("This person's training on this version is recorded already.")
        ) from None
