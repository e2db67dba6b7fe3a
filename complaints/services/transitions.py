"""Firing a case transition: refusals in a stable order, the state machine, its timeline entry.

The permission of each transition is `complaints.transitions`' table; the state machine is the
model's, consulted through django-fsm-2's public API (`can_proceed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from common.exceptions import ActionNotPermitted, ConflictError, NotFound, TransitionNotAllowed
from complaints import deadlines, signals
from complaints.choices import EventKind
from complaints.models import ComplaintCase, ResolutionAction
from complaints.selectors import case_get_for
from complaints.services.cases import RACED, STALE, assignee_in_team, bump_version
from complaints.services.events import case_event_record
from complaints.transitions import TRANSITIONS, TransitionSpec, may_fire

logger = logging.getLogger(__name__)


TransitionCheck = Callable[[ComplaintCase, Mapping[str, Any], Any], "dict[str, Any] | None"]
_transition_checks: dict[str, list[TransitionCheck]] = {}


def register_transition_check(name: str, check: TransitionCheck) -> None:
    """Let another app refuse or annotate transition `name` (the conduct app's verification rule).

    `check(case, payload, actor)` runs inside the transition's transaction before it fires; it
    may raise ValidationFailed, and may return a dict that is added to the transition's
    timeline payload (e.g. an override reason).
    """
    checks = _transition_checks.setdefault(name, [])
    if check not in checks:
        checks.append(check)


def case_transition_spec(name: str) -> TransitionSpec:
    """The transition called `name`, or NotFound."""
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise NotFound(_("Unknown transition “%(name)s”.") % {"name": name})
    return spec


def case_transition_refusal(*, case: ComplaintCase, name: str, actor: Any) -> None:
    """Raise why `actor` may not fire `name` on `case` now, checked before its payload.

    ActionNotPermitted when the actor's role may not; TransitionNotAllowed when the case's
    state does not allow it. Views call this before validating the payload, and
    `case_transition` again under the row lock.
    """
    case_transition_spec(name)
    if not may_fire(user=actor, case=case, name=name):
        raise ActionNotPermitted(_("You may not do this on this case."))
    if not can_proceed(getattr(case, name), check_conditions=False):
        raise TransitionNotAllowed(
            _("“%(name)s” is not possible from state “%(state)s”.")
            % {"name": name, "state": case.get_state_display()}
        )


def case_transition(
    *,
    case_id: int,
    name: str,
    actor: Any,
    payload: Mapping[str, Any] | None = None,
    version: int | None = None,
) -> ComplaintCase:
    """Fire transition `name` with its validated payload, in one transaction with its timeline entry.

    `payload` is the transition's input as validated by `complaints.api.inputs.TRANSITION_INPUTS`.
    Order of refusal: unknown name → NotFound; case not visible → NotFound; actor may not →
    ActionNotPermitted; not possible from the current state → TransitionNotAllowed; stale
    `version` → ConflictError; a business rule (assignee outside the team, another app's check)
    → ValidationFailed; a guard failing (an earlier step missing) → TransitionNotAllowed;
    someone else moved the case first → ConflictError. Sends `case_transitioned` after commit.
    """
    spec = case_transition_spec(name)
    values = dict(payload or {})
    try:
        with transaction.atomic():
            # Read without a lock: refusals need none; the row is locked just before the write.
            case = case_get_for(actor=actor, case_id=case_id)
            case_transition_refusal(case=case, name=name, actor=actor)
            if version is not None and version != case.version:
                raise ConflictError(STALE)
            kwargs = _transition_arguments(case, name, values, actor)
            extra_log: dict[str, Any] = {}
            for check in _transition_checks.get(name, ()):
                extra_log.update(check(case, values, actor) or {})
            method = getattr(case, name)
            if not can_proceed(method):
                raise TransitionNotAllowed(
                    _("“%(name)s” is not possible yet: an earlier step is missing.") % {"name": name}
                )
            from_state = case.state
            actions = kwargs.pop("actions", None)
            # Lock the row now and refuse if anyone wrote the case since it was read (an edit, an
            # extension, the same transition): the save below must not undo their change.
            locked_version = (
                ComplaintCase.objects.select_for_update().filter(pk=case.pk).values_list("version", flat=True).first()
            )
            if locked_version != case.version:
                raise ConflictError(RACED)
            before = {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}
            method(**kwargs)
            bump_version(case)
            # Only the columns the transition changed: the escalation sweep raises escalation_level
            # and is_breached without a version bump, and those must survive.
            case.save(update_fields=[field for field, value in before.items() if getattr(case, field) != value])
            if actions:
                ResolutionAction.objects.bulk_create(ResolutionAction(case=case, **a) for a in actions)
            case_event_record(
                case=case,
                kind=EventKind.TRANSITION,
                actor=actor,
                summary=spec.summary(),
                transition=name,
                from_state=from_state,
                to_state=case.state,
                data={**_payload_for_log(kwargs, actions), **extra_log},
            )
            deadlines.on_transition(case=case, name=name, from_state=from_state, to_state=case.state)
            signals.send_after_commit(
                signals.case_transitioned,
                case_id=case.pk,
                actor_id=actor.pk,
                transition=name,
                from_state=from_state,
                to_state=case.state,
            )
    except ConcurrentTransition as exc:
        raise ConflictError(RACED) from exc
    logger.info("case transitioned", extra={"case_id": case.pk, "transition": name, "to_state": case.state})
    return case


def _transition_arguments(case: ComplaintCase, name: str, payload: dict[str, Any], actor: Any) -> dict[str, Any]:
    """The model method's keyword arguments from the validated payload, plus business rules."""
    if name == "start_verification":
        assignee_id = payload.get("assignee")
        if assignee_id is None:
            in_team = case.team_id in actor.team_ids or actor.is_superuser
            return {"assignee": case.assignee or (actor if in_team else None)}
        return {"assignee": assignee_in_team(case, assignee_id)}
    if name == "complete_verification":
        return {"finding": payload["finding"], "notes": payload["notes"]}
    if name == "propose_resolution":
        return {"customer_demand": payload["customer_demand"], "notes": payload.get("notes", "")}
    if name == "resolve":
        return {"summary": payload["summary"], "actions": list(payload["actions"])}
    if name == "record_feedback":
        return {
            "satisfaction": payload["satisfaction"],
            "accepted": payload["accepted"],
            "comment": payload.get("comment", ""),
        }
    if name == "close":
        return {"notes": payload["notes"]}
    return {"reason": payload["reason"]}


def _payload_for_log(kwargs: dict[str, Any], actions: list[dict[str, Any]] | None) -> dict[str, Any]:
    logged = {k: (v.pk if hasattr(v, "pk") else v) for k, v in kwargs.items()}
    if actions:
        logged["actions"] = [{**a, "amount": str(a["amount"]) if a["amount"] is not None else None} for a in actions]
    return logged


