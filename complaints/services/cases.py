"""Writes to a case: create, edit, reassign, transitions, notes, communications, personal data.

Arguments arrive validated by the API's input serializers (`complaints.api.inputs`) or the page
forms built on them; these functions check business rules and permissions only, run in one
transaction each, and send their side effects after commit. Personal data is never logged
here: only case ids and references.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import Team
from accounts.roles import Role
from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from common.pii import blind_index, reveal
from complaints import deadlines, signals
from complaints.choices import CaseState, EventKind, Severity
from complaints.models import (
    Category,
    Communication,
    ComplaintCase,
    Note,
    PiiAccessLog,
    ResolutionAction,
)
from complaints.selectors import case_get_for
from complaints.services.events import case_event_record
from complaints.validators import MOBILE_RE

logger = logging.getLogger(__name__)
User = get_user_model()

# Descriptive fields a PATCH may change (docs/api-guide.md); `complainant` is merged key by key.
DESCRIPTIVE_FIELDS = (
    "category",
    "severity",
    "channel",
    "summary",
    "description",
    "received_at",
    "account_reference",
    "collection_channel",
    "risk_flags",
    "external_id",
)
COMPLAINANT_FIELDS = {
    "name": "complainant_name",
    "phone": "complainant_phone",
    "id_number": "complainant_id_number",
    "email": "complainant_email",
}
STALE = _("The case was changed by someone else; reload it and try again.")
RACED = _("Someone else changed this case at the same moment; reload it and try again.")


# What a refused actor is told, per permission (complaints.rules defines who has which).
REFUSALS = {
    "complaints.create_case": gettext_lazy("You may not register complaints."),
    "complaints.work_case": gettext_lazy("You may not edit this case."),
    "complaints.add_note": gettext_lazy("You may not add notes to this case."),
    "complaints.add_communication": gettext_lazy("You may not record communications on this case."),
    "complaints.reassign_case": gettext_lazy("Only a supervisor of the team may reassign."),
    "complaints.view_pii": gettext_lazy("Your role may not see personal data unmasked."),
}


def case_require(*, actor: Any, permission: str, case: ComplaintCase | None = None) -> None:
    """Raise ActionNotPermitted unless `actor` has `permission` (on `case`, for object rules).

    Views call it before validating a payload (403 before 400), services again inside
    their transaction.
    """
    allowed = actor.has_perm(permission, case) if case is not None else actor.has_perm(permission)
    if not allowed:
        raise ActionNotPermitted(str(REFUSALS.get(permission, gettext_lazy("You may not do this on this case."))))


@dataclass(frozen=True)
class Complainant:
    """The complainant as validated: phone normalised, ID number upper-case."""

    name: str
    phone: str = ""
    id_number: str = ""
    email: str = ""


# -- matching keys ---------------------------------------------------------------------------


def phone_match_key(phone: str) -> str:
    """One spelling per number for the blind index, so that +86 or a hyphen is not another phone."""
    key = phone.replace("-", "")
    if key.startswith("+86") and MOBILE_RE.match(key[3:]):
        return key[3:]
    return key


def account_match_key(account_reference: Any) -> str:
    """Blind index of an account reference (the conduct app matches contacts by it)."""
    clear = reveal(account_reference).strip()
    return blind_index(clear) if clear else ""


def _index_personal_data(case: ComplaintCase) -> None:
    phone, id_number = reveal(case.complainant_phone), reveal(case.complainant_id_number)
    case.phone_index = blind_index(phone_match_key(phone)) if phone else ""
    case.id_number_index = blind_index(id_number) if id_number else ""
    case.account_index = account_match_key(case.account_reference)


def _bump_version(case: ComplaintCase) -> None:
    case.version += 1
    case.updated_at = timezone.now()


def _team_for_new_case(actor: Any, category: Category) -> Team | None:
    team_ids = actor.team_ids
    if team_ids:
        return Team.objects.filter(pk__in=team_ids).order_by("pk").first()
    if category.default_team_id:
        return category.default_team
    return Team.objects.order_by("pk").first()


def _is_repeat(case: ComplaintCase) -> bool:
    match = Q()
    if case.phone_index:
        match |= Q(phone_index=case.phone_index)
    if case.id_number_index:
        match |= Q(id_number_index=case.id_number_index)
    if not match:
        return False
    window_start = case.received_at - settings.REPEAT_COMPLAINT_WINDOW
    return ComplaintCase.objects.filter(match, received_at__gte=window_start, received_at__lte=case.received_at).exists()


# -- create and edit -----------------------------------------------------------------------


def case_create(
    *,
    actor: Any,
    category: Category,
    channel: str,
    summary: str,
    complainant: Complainant,
    severity: str = Severity.NORMAL,
    description: str = "",
    received_at: datetime | None = None,
    account_reference: str = "",
    collection_channel: str = "",
    risk_flags: Sequence[str] = (),
    external_id: str = "",
) -> ComplaintCase:
    """Register a complaint received from a customer.

    Writes the case, its `created` timeline entry and its first deadlines in one transaction;
    sends `case_created` after commit. Raises ActionNotPermitted for roles that may not
    register complaints, ValidationFailed when no team can take the case or the creator has
    used `external_id` before.
    """
    case_require(actor=actor, permission="complaints.create_case")
    team = _team_for_new_case(actor, category)
    if team is None:
        raise ValidationFailed.single("team", "required", _("No team exists to receive the case."))
    case = ComplaintCase(
        created_by=actor,
        team=team,
        category=category,
        channel=channel,
        severity=severity,
        summary=summary,
        description=description,
        received_at=received_at or timezone.now(),
        complainant_name=complainant.name,
        complainant_phone=complainant.phone,
        complainant_id_number=complainant.id_number,
        complainant_email=complainant.email,
        account_reference=account_reference,
        collection_channel=collection_channel,
        risk_flags=sorted(set(risk_flags)),
        external_id=external_id,
    )
    _index_personal_data(case)
    try:
        with transaction.atomic():
            case.is_repeat = _is_repeat(case)
            deadlines.before_case_insert(case=case)
            case.save()
            # The reference derives from the primary key, so it is unique however many
            # agents create cases at once.
            case.reference = f"TS{timezone.localdate(case.created_at):%Y%m%d}{case.pk:07d}"
            ComplaintCase.objects.filter(pk=case.pk).update(reference=case.reference)
            case_event_record(
                case=case,
                kind=EventKind.CREATED,
                actor=actor,
                summary=_("Complaint registered"),
                data={"channel": case.channel, "category": category.code, "severity": case.severity},
                to_state=case.state,
            )
            deadlines.on_case_created(case=case)
            signals.send_after_commit(signals.case_created, case_id=case.pk, actor_id=actor.pk)
    except IntegrityError as exc:
        if "case_external_id_unique_per_client" in str(exc):
            raise ValidationFailed.single("external_id", "unique", _("A case with this external ID exists.")) from exc
        raise
    logger.info("case created", extra={"case_id": case.pk, "reference": case.reference})
    return case


def case_update(
    *,
    case_id: int,
    actor: Any,
    changes: Mapping[str, Any],
    complainant: Mapping[str, str] | None = None,
    version: int | None = None,
) -> ComplaintCase:
    """Edit descriptive fields of an open case (`changes`: any of DESCRIPTIVE_FIELDS, validated).

    `complainant` changes only the keys given. With `version`, a stale write raises
    ConflictError. Records which fields changed (never their personal-data values) on the
    timeline. Raises NotFound, ActionNotPermitted, ConflictError, TransitionNotAllowed (closed
    case), ValidationFailed (the complainant would lose their name or every contact).
    """
    unknown = set(changes) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise ValueError(f"not descriptive fields: {sorted(unknown)}")
    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id, for_update=True)
        case_require(actor=actor, permission="complaints.work_case", case=case)
        if version is not None and version != case.version:
            raise ConflictError(STALE)
        if not case.is_open:
            raise TransitionNotAllowed(_("A closed or withdrawn case cannot be edited."))
        for field, value in changes.items():
            setattr(case, field, sorted(set(value)) if field == "risk_flags" else value)
        for key, value in (complainant or {}).items():
            setattr(case, COMPLAINANT_FIELDS[key], value)
        if complainant or "account_reference" in changes:
            _require_complainant_contact(case)
            _index_personal_data(case)
        _bump_version(case)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:
            if "case_external_id_unique_per_client" in str(exc):
                raise ValidationFailed.single(
                    "external_id", "unique", _("A case with this external ID exists.")
                ) from exc
            raise
        fields = sorted({*changes, *(["complainant"] if complainant else [])})
        case_event_record(
            case=case, kind=EventKind.UPDATE, actor=actor, summary=_("Case details edited"), data={"fields": fields}
        )
    return case


def _require_complainant_contact(case: ComplaintCase) -> None:
    errors: dict[str, list[tuple[str, str]]] = {}
    if not case.complainant_name:
        errors["complainant.name"] = [("required", _("The complainant's name is required."))]
    if not case.complainant_phone and not case.complainant_id_number:
        errors["complainant.phone"] = [("required", _("Give the complainant's phone or ID number."))]
    if errors:
        raise ValidationFailed(errors)


def case_reassign(*, case_id: int, actor: Any, assignee_id: int | None) -> ComplaintCase:
    """Hand a case to another member of its team, or to nobody (supervisors of the team)."""
    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id, for_update=True)
        case_require(actor=actor, permission="complaints.reassign_case", case=case)
        assignee = _assignee_in_team(case, assignee_id) if assignee_id is not None else None
        case.assignee = assignee
        _bump_version(case)
        case.save(update_fields=["assignee", "version", "updated_at"])
        case_event_record(
            case=case,
            kind=EventKind.ASSIGNMENT,
            actor=actor,
            summary=_("Assigned to %(name)s") % {"name": assignee} if assignee else _("Unassigned"),
            data={"assignee": assignee_id},
        )
    return case


def _assignee_in_team(case: ComplaintCase, assignee_id: int) -> Any:
    assignee = (
        User.objects.filter(pk=assignee_id, is_active=True, teams=case.team_id)
        .filter(groups__name__in=[Role.AGENT, Role.SUPERVISOR])
        .first()
    )
    if assignee is None:
        raise ValidationFailed.single(
            "assignee", "invalid_choice", _("The assignee must be an active agent or supervisor of the case's team.")
        )
    return assignee


# -- transitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionSpec:
    """Who may fire a transition (the one place its permission is defined) and its timeline text."""

    name: str
    permission: str
    summary: Callable[[], str]


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec("start_verification", "complaints.work_case", lambda: _("Verification started")),
        TransitionSpec("complete_verification", "complaints.work_case", lambda: _("Verification completed")),
        TransitionSpec("propose_resolution", "complaints.work_case", lambda: _("Resolution proposed")),
        TransitionSpec("resolve", "complaints.work_case", lambda: _("Resolved")),
        TransitionSpec("record_feedback", "complaints.work_case", lambda: _("Customer feedback recorded")),
        TransitionSpec("close", "complaints.work_case", lambda: _("Case closed")),
        TransitionSpec("reopen", "complaints.work_case", lambda: _("Case reopened")),
        TransitionSpec("withdraw", "complaints.withdraw_case", lambda: _("Complaint withdrawn")),
    )
}

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
    spec = case_transition_spec(name)
    if not actor.has_perm(spec.permission, case):
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
            _bump_version(case)
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
        return {"assignee": _assignee_in_team(case, assignee_id)}
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


# -- notes, communications, personal data -------------------------------------------------


def case_note_add(*, case_id: int, actor: Any, body: str, internal: bool = True) -> Note:
    """Add a note to the case and its timeline."""
    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id)
        case_require(actor=actor, permission="complaints.add_note", case=case)
        note = Note.objects.create(case=case, author=actor, body=body, internal=internal)
        case_event_record(
            case=case, kind=EventKind.NOTE, actor=actor, summary=body[:200], data={"note_id": note.pk, "internal": internal}
        )
    return note


def case_communication_add(
    *, case_id: int, actor: Any, channel: str, direction: str, outcome: str, summary: str
) -> Communication:
    """Record a contact with the complainant on the case and its timeline."""
    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id)
        case_require(actor=actor, permission="complaints.add_communication", case=case)
        comm = Communication.objects.create(
            case=case, actor=actor, channel=channel, direction=direction, outcome=outcome, summary=summary
        )
        case_event_record(
            case=case,
            kind=EventKind.COMMUNICATION,
            actor=actor,
            summary=summary[:200],
            data={"communication_id": comm.pk, "channel": channel, "direction": direction, "outcome": outcome},
        )
        deadlines.on_communication(case=case, communication=comm)
    return comm


PII_FIELDS = {
    "name": "complainant_name",
    "phone": "complainant_phone",
    "id_number": "complainant_id_number",
    "email": "complainant_email",
    "account_reference": "account_reference",
}


def case_pii_reveal(*, case_id: int, actor: Any, reason: str) -> dict[str, str]:
    """The one way to read a case's personal data unmasked: checks the role, logs the access.

    Raises NotFound if the case is not visible, ActionNotPermitted for roles that may not see
    personal data.
    """
    case = case_get_for(actor=actor, case_id=case_id)
    case_require(actor=actor, permission="complaints.view_pii", case=case)
    PiiAccessLog.objects.create(case=case, user=actor, reason=reason, fields=sorted(PII_FIELDS))
    logger.info("pii revealed", extra={"case_id": case.pk, "user_id": actor.pk})
    return {key: reveal(getattr(case, field)) for key, field in PII_FIELDS.items()}


__all__ = [
    "TRANSITIONS",
    "CaseState",
    "Complainant",
    "account_match_key",
    "case_communication_add",
    "case_create",
    "case_note_add",
    "case_pii_reveal",
    "case_reassign",
    "case_require",
    "case_transition",
    "case_transition_refusal",
    "case_update",
    "phone_match_key",
    "register_transition_check",
]
