"""Drills (定期演练): scheduled or started by hand; each runs the playbook as a drill activation."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, ConflictError, ValidationFailed
from contingency import selectors
from contingency.models import Activation, Drill, Playbook
from contingency.services.activations import activation_start_drill

logger = logging.getLogger(__name__)


def _require(actor) -> None:
    if not actor.has_perm("contingency.drills"):
        raise ActionNotPermitted(_("Only the emergency lead manages drills."))


def drill_schedule(
    *, actor, playbook: Playbook, scheduled_for: datetime | None, repeat_every: timedelta | None = None
) -> Drill:
    """Schedule a drill (recurring with `repeat_every`); one due now (or without a time) starts at once."""
    _require(actor)
    now = timezone.now()
    with transaction.atomic():
        drill = Drill.objects.create(
            playbook=playbook, scheduled_for=scheduled_for or now, created_by=actor, repeat_every=repeat_every
        )
        if drill.scheduled_for <= now:
            _start(drill, actor=actor)
    return drill


def drill_start(*, actor, drill_id) -> Drill:
    """Start a scheduled drill now, by hand (409 if it has started already)."""
    drill = selectors.drill_get_for(actor=actor, drill_id=drill_id)
    with transaction.atomic():
        drill = Drill.objects.select_for_update().select_related("playbook").get(pk=drill.pk)
        if drill.started_at is not None:
            raise ConflictError(_("The drill has started already."))
        _start(drill, actor=actor)
    return drill


def _start(drill: Drill, *, actor) -> None:
    activation = activation_start_drill(playbook=drill.playbook, actor=actor)
    drill.activation = activation
    drill.started_at = activation.activated_at
    drill.save(update_fields=["activation", "started_at"])
    if drill.repeat_every:
        Drill.objects.create(
            playbook=drill.playbook, scheduled_for=drill.scheduled_for + drill.repeat_every,
            created_by=drill.created_by, repeat_every=drill.repeat_every,
        )
    logger.info("drill started", extra={"drill_id": drill.pk, "activation_id": activation.pk})


def drills_start_due(*, now: datetime | None = None, limit: int = 50) -> int:
    """Start every scheduled drill that is due (beat task); rows are claimed with SKIP LOCKED."""
    started = 0
    with transaction.atomic():
        due = list(
            selectors.drills_due(now=now).select_for_update(skip_locked=True, of=("self",)).select_related("playbook", "created_by")[
                :limit
            ]
        )
        for drill in due:
            try:
                with transaction.atomic():
                    _start(drill, actor=drill.created_by)
                    started += 1
            except ValidationFailed:
                # The playbook lost its active version since: mark it started with no run.
                Drill.objects.filter(pk=drill.pk).update(started_at=timezone.now())
                logger.warning("drill skipped: no active version", extra={"drill_id": drill.pk})
    return started


def drill_complete(*, activation: Activation) -> None:
    """Record the drill's results when its activation is resolved (inside that transaction)."""
    drill = Drill.objects.filter(activation=activation).first()
    if drill is None:
        return
    tasks = list(activation.tasks.all())
    on_time = sum(1 for t in tasks if t.done_at is not None and t.done_at <= t.due_at)
    drill.completed_at = activation.resolved_at
    drill.time_to_acknowledge = (
        activation.acknowledged_at - activation.activated_at if activation.acknowledged_at else None
    )
    drill.tasks_on_time_ratio = round(on_time / len(tasks), 4) if tasks else None
    drill.save(update_fields=["completed_at", "time_to_acknowledge", "tasks_on_time_ratio"])
