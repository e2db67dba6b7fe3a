"""The response once an activation is open: the lead's transitions, the departments' tasks, the
shared timeline's comments and the overdue-task alert. One transaction each."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
)
from contingency import selectors, timers
from contingency.choices import OPEN_ACTIVATION_STATES, ActivationEventKind, ActivationState
from contingency.models import Activation, ActivationEvent, ActivationTask, Review
from contingency.services.timeline import activation_publish, event_record
from notifications.models import Channel
from notifications.services import notify

logger = logging.getLogger(__name__)

TRANSITIONS = ("acknowledge", "resolve", "submit_review")


def activation_transition(*, activation_id, name: str, actor, payload: dict) -> Activation:
    """Fire `acknowledge`, `resolve` or `submit_review` (payload already shaped by the API).

    Refusals: unknown name or invisible activation → NotFound; not lead/admin →
    ActionNotPermitted; not possible from the state, or required tasks open without an
    override reason → TransitionNotAllowed; a concurrent transition → ConflictError.
    """
    if name not in TRANSITIONS:
        raise NotFound(_("Unknown transition “%(name)s”.") % {"name": name})
    activation = selectors.activation_get_for(actor=actor, activation_id=activation_id)
    if not actor.has_perm("contingency.activate"):
        raise ActionNotPermitted(_("Only the emergency lead may move the activation on."))
    try:
        with transaction.atomic():
            activation = (
                Activation.objects.select_for_update(of=("self",))
                .select_related("playbook", "playbook_version", "category")
                .get(pk=activation.pk)
            )
            method = getattr(activation, name)
            if not method._django_fsm.has_transition(activation.state):
                raise TransitionNotAllowed(
                    _("“%(name)s” is not possible from state “%(state)s”.")
                    % {"name": name, "state": activation.get_state_display()}
                )
            now = timezone.now()
            from_state = activation.state
            data: dict = {}
            if name == "acknowledge":
                activation.acknowledge(at=now)
            elif name == "resolve":
                override = (payload.get("override_reason") or "").strip()
                open_required = list(
                    activation.tasks.filter(required=True, done_at__isnull=True).values_list("pk", flat=True)
                )
                if open_required and not override:
                    raise TransitionNotAllowed(
                        _("%(n)d required task(s) are still open; finish them or give an override reason.")
                        % {"n": len(open_required)},
                        code="required_tasks_open",
                    )
                activation.resolve(at=now, override_reason=override if open_required else "")
                if open_required:
                    data = {"override_reason": override, "open_required_tasks": open_required}
            else:
                activation.submit_review(at=now)
                review_fields = {k: payload[k] for k in ("summary", "root_cause", "what_worked", "improvements")}
                Review.objects.create(activation=activation, submitted_by=actor, submitted_at=now, **review_fields)
            activation.save()
            event_record(
                activation, kind=ActivationEventKind.TRANSITION, actor=actor,
                summary=_("%(from)s → %(to)s") % {
                    "from": ActivationState(from_state).label, "to": activation.get_state_display(),
                },
                data={"transition": name, "from": from_state, "to": activation.state, **data},
            )
            if name == "resolve" and activation.is_drill:
                from contingency.services.drills import drill_complete

                drill_complete(activation=activation)
            activation_publish(activation, "activation.transitioned", transition={"name": name, "from": from_state,
                                                                       "to": activation.state})
    except ConcurrentTransition as exc:
        raise ConflictError(_("Someone else moved this activation on at the same moment; reload it.")) from exc
    if name == "submit_review" and payload.get("propose_version"):
        from contingency.services.playbooks import playbook_version_propose

        playbook_version_propose(actor=actor, playbook_id=activation.playbook_id, review_id=activation.review.pk)
    logger.info("activation transitioned", extra={"activation_id": activation.pk, "transition": name})
    return selectors.activation_get_for(actor=actor, activation_id=activation.pk)


def activation_task_complete(*, activation_id, task_id, actor, notes: str = "") -> ActivationTask:
    """Mark a task of the activation done (lead, member, admin); a task of another activation is NotFound."""
    activation = selectors.activation_get_for(actor=actor, activation_id=activation_id)
    if not actor.has_perm("contingency.complete_tasks"):
        raise ActionNotPermitted(_("Your role may not complete emergency tasks."))
    try:
        task_pk = int(task_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such task.")) from None
    with transaction.atomic():
        task = ActivationTask.objects.select_for_update().filter(pk=task_pk, activation_id=activation.pk).first()
        if task is None:
            raise NotFound(_("No such task."))
        if activation.state not in OPEN_ACTIVATION_STATES:
            raise TransitionNotAllowed(_("The activation is no longer open."))
        if task.done_at is not None:
            raise ConflictError(_("The task is done already."))
        now = timezone.now()
        task.done_at, task.done_by, task.notes = now, actor, notes
        task.save(update_fields=["done_at", "done_by", "notes"])
        timers.task_deadline_close(task)
        event_record(
            activation, kind=ActivationEventKind.TASK_COMPLETED, actor=actor,
            summary=_("Task done: %(title)s") % {"title": task.title}, body=notes,
            data={"task_id": task.pk, "on_time": now <= task.due_at},
        )
    return task


def activation_comment_add(*, activation_id, actor, body: str) -> ActivationEvent:
    """A comment on the shared timeline, stamped with the author's department."""
    activation = selectors.activation_get_for(actor=actor, activation_id=activation_id)
    if not actor.has_perm("contingency.complete_tasks"):
        raise ActionNotPermitted(_("Your role may not write on the activation timeline."))
    with transaction.atomic():
        return event_record(activation, kind=ActivationEventKind.COMMENT, actor=actor, summary=body[:200], body=body)


def task_overdue_record(*, task: ActivationTask) -> bool:
    """Tell the lead, once, that `task` is overdue and note it on the timeline (the timer's
    handler calls this inside the sweep's transaction). A conditional update is the guard:
    a done task, a closed activation or a repeat does nothing; returns whether it fired."""
    activation = Activation.objects.select_related("playbook").get(pk=task.activation_id)
    if activation.state not in OPEN_ACTIVATION_STATES:
        return False
    marked = ActivationTask.objects.filter(
        pk=task.pk, done_at__isnull=True, overdue_notified_at__isnull=True
    ).update(overdue_notified_at=timezone.now())
    if not marked:
        return False
    summary = _("Task overdue: %(title)s") % {"title": task.title}
    event_record(activation, kind=ActivationEventKind.TASK_OVERDUE, summary=summary, data={"task_id": task.pk})
    if activation.lead_id:
        notify(
            [activation.lead_id], "activation_task_overdue",
            _("Emergency response #%(id)s: a task is overdue") % {"id": activation.pk}, summary,
            channels=(Channel.INAPP, Channel.EMAIL), data={"activation_id": activation.pk, "task_id": task.pk},
            is_drill=activation.is_drill,
        )
    logger.info("activation task overdue", extra={"activation_id": activation.pk, "task_id": task.pk})
    return True


def task_overdue_escalate(*, task_id: int) -> bool:
    """`task_overdue_record` in a transaction of its own, by task id."""
    with transaction.atomic():
        task = ActivationTask.objects.filter(pk=task_id).first()
        return task is not None and task_overdue_record(task=task)
