"""Every write to a case: one transaction each, side effects sent after commit.

Services raise `common.exceptions` errors that name the API field at fault; the API maps them
to HTTP (400/403/404/409). Personal data is never logged here: only case ids and references.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

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
from complaints.choices import (
    AMOUNT_REQUIRED_ACTIONS,
    ActionType,
    CaseState,
    Channel,
    CollectionChannel,
    Direction,
    EventKind,
    Finding,
    Outcome,
    RiskFlag,
    Severity,
)
from complaints.models import (
    Category,
    Communication,
    ComplaintCase,
    Note,
    PiiAccessLog,
    ResolutionAction,
)
from complaints.selectors import case_get_visible
from complaints.services.events import case_event_record
from complaints.validators import MOBILE_RE, normalise_phone

logger = logging.getLogger(__name__)
User = get_user_model()

TEXT_MAX = 10000
RECEIVED_AT_MIN_YEAR = 1970
# Model field → the API attribute named in errors.
FIELD_ATTRS = {
    "complainant_name": "complainant.name",
    "complainant_phone": "complainant.phone",
    "complainant_id_number": "complainant.id_number",
    "complainant_email": "complainant.email",
}
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
    "complainant",
)


# -- helpers -------------------------------------------------------------------------------


class _Errors:
    """Collects every bad field so one response names them all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[tuple[str, str]]] = {}

    def add(self, attr: str, code: str, message: Any) -> None:
        self.errors.setdefault(attr, []).append((code, str(message)))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _text(
    errors: _Errors, payload: dict, key: str, *, required: bool, max_length: int = TEXT_MAX
) -> str:
    value = payload.get(key)
    if value is None or value == "":
        if required:
            errors.add(key, "required", _("This field is required."))
        return ""
    if not isinstance(value, str):
        errors.add(key, "invalid", _("Must be text."))
        return ""
    if "\x00" in value:
        errors.add(key, "invalid", _("Must not contain NUL characters."))
        return ""
    if required and not value.strip():
        errors.add(key, "blank", _("This field may not be blank."))
        return ""
    if len(value) > max_length:
        errors.add(
            key, "max_length", _("Ensure this field has no more than %(n)d characters.") % {"n": max_length}
        )
        return ""
    return value


def _choice(errors: _Errors, payload: dict, key: str, choices, *, required: bool, default: str = "") -> str:
    value = payload.get(key)
    if value is None or value == "":
        if required:
            errors.add(key, "required", _("This field is required."))
        return default
    if value not in choices.values:
        errors.add(key, "invalid_choice", _("“%(value)s” is not a valid choice.") % {"value": value})
        return default
    return value


def _model_errors(errors: _Errors, exc: ValidationError) -> None:
    for field, messages in exc.error_dict.items():
        for err in messages:
            code = err.code or "invalid"
            errors.add(FIELD_ATTRS.get(field, field), code, err.messages[0])



def _bump_version(case: ComplaintCase) -> None:
    case.version += 1
    case.updated_at = timezone.now()


def _team_for_new_case(actor, category: Category) -> Team | None:
    team_ids = actor.team_ids
    if team_ids:
        return Team.objects.filter(pk__in=team_ids).order_by("pk").first()
    if category.default_team_id:
        return category.default_team
    return Team.objects.order_by("pk").first()


def _phone_match_key(phone: str) -> str:
    """One spelling per number for the blind index, so that +86 or a hyphen is not another phone."""
    key = phone.replace("-", "")
    if key.startswith("+86") and MOBILE_RE.match(key[3:]):
        return key[3:]
    return key


def account_match_key(account_reference: Any) -> str:
    """Blind index of an account reference (the conduct app matches contacts by it)."""
    clear = reveal(account_reference).strip()
    return blind_index(clear) if clear else ""


def _apply_complainant(case: ComplaintCase, errors: _Errors, complainant: Any, *, partial: bool) -> None:
    if complainant is None and partial:
        return
    if not isinstance(complainant, dict):
        errors.add("complainant", "required" if complainant is None else "invalid", _("Give the complainant's details."))
        return
    for key, field in (
        ("name", "complainant_name"),
        ("phone", "complainant_phone"),
        ("id_number", "complainant_id_number"),
        ("email", "complainant_email"),
    ):
        if partial and key not in complainant:
            continue
        value = complainant.get(key) or ""
        if not isinstance(value, str):
            errors.add(f"complainant.{key}", "invalid", _("Must be text."))
            continue
        value = value.strip()
        if len(value) > 200:
            errors.add(f"complainant.{key}", "max_length", _("Ensure this field has no more than %(n)d characters.") % {"n": 200})
            continue
        if key == "phone":
            value = normalise_phone(value)
        elif key == "id_number":
            value = value.upper()
        elif key == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                errors.add("complainant.email", "invalid", _("Enter a valid e-mail address."))
                continue
        setattr(case, field, value)
    phone, id_number = reveal(case.complainant_phone), reveal(case.complainant_id_number)
    case.phone_index = blind_index(_phone_match_key(phone)) if phone else ""
    case.id_number_index = blind_index(id_number) if id_number else ""


def _apply_descriptive(case: ComplaintCase, errors: _Errors, data: dict, *, partial: bool) -> None:
    """Validate and set the descriptive fields (create and PATCH share this)."""
    present = (lambda k: k in data) if partial else (lambda k: True)
    if present("category"):
        code = data.get("category")
        category = Category.objects.filter(code=code, is_active=True).first() if isinstance(code, str) else None
        if category is None:
            errors.add(
                "category",
                "required" if not code else "invalid_choice",
                _("This field is required.") if not code else _("Unknown category “%(code)s”.") % {"code": code},
            )
        else:
            case.category = category
    if present("channel"):
        case.channel = _choice(errors, data, "channel", Channel, required=True)
    if present("severity"):
        case.severity = _choice(errors, data, "severity", Severity, required=False, default=Severity.NORMAL)
    if present("collection_channel"):
        case.collection_channel = _choice(errors, data, "collection_channel", CollectionChannel, required=False)
    if present("summary"):
        case.summary = _text(errors, data, "summary", required=True, max_length=200)
    if present("description"):
        case.description = _text(errors, data, "description", required=False)
    if present("external_id"):
        case.external_id = _text(errors, data, "external_id", required=False, max_length=100)
    if present("account_reference"):
        case.account_reference = _text(errors, data, "account_reference", required=False, max_length=100)
        case.account_index = account_match_key(case.account_reference)
    if present("risk_flags"):
        flags = data.get("risk_flags") or []
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            errors.add("risk_flags", "invalid", _("Give a list of risk flags."))
        elif unknown := [f for f in flags if f not in RiskFlag.values]:
            errors.add("risk_flags", "invalid_choice", _("Unknown risk flag: %(flags)s") % {"flags": ", ".join(unknown)})
        else:
            case.risk_flags = sorted(set(flags))
    if present("received_at") and data.get("received_at") is not None:
        received_at = data["received_at"]
        if isinstance(received_at, str):
            from django.utils.dateparse import parse_datetime

            try:
                received_at = parse_datetime(received_at)
            except ValueError:
                received_at = None
        if received_at is None or not hasattr(received_at, "tzinfo"):
            errors.add("received_at", "invalid", _("Give an ISO 8601 date-time with offset."))
        else:
            if timezone.is_naive(received_at):
                received_at = timezone.make_aware(received_at)
            # Year-1 dates overflow on conversion to UTC and in the repeat-complaint window.
            if received_at.year < RECEIVED_AT_MIN_YEAR:
                errors.add("received_at", "invalid", _("Give a receipt time after 1970."))
            else:
                case.received_at = received_at
    _apply_complainant(case, errors, data.get("complainant"), partial=partial)


def _validate_model(case: ComplaintCase, errors: _Errors) -> None:
    exclude = ["team", "created_by", "assignee", "reference", "state"]
    # The model re-checks fields already refused above: report each bad field once.
    exclude += [f for f in ("category", "channel", "severity", "summary", "description",
                            "collection_channel", "external_id", "account_reference",
                            "risk_flags", "received_at") if f in errors.errors]
    already = set(errors.errors)
    try:
        case.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        reported = _Errors()
        _model_errors(reported, exc)
        for attr, items in reported.errors.items():
            if attr not in already:
                errors.errors[attr] = items


def _is_repeat(case: ComplaintCase) -> bool:
    match = Q()
    if case.phone_index:
        match |= Q(phone_index=case.phone_index)
    if case.id_number_index:
        match |= Q(id_number_index=case.id_number_index)
    if not match:
        return False
    from django.conf import settings

    window_start = case.received_at - settings.REPEAT_COMPLAINT_WINDOW
    return ComplaintCase.objects.filter(match, received_at__gte=window_start, received_at__lte=case.received_at).exists()


# -- create and edit -----------------------------------------------------------------------


def case_create(*, actor, data: dict) -> ComplaintCase:
    """Register a complaint received from a customer.

    `data` has the API guide's create shape. Writes the case, its `created` timeline entry and its
    first deadlines in one transaction; sends `case_created` after commit.
    Raises ValidationFailed naming every bad field, ActionNotPermitted.
    """
    if not actor.has_perm("complaints.create_case"):
        raise ActionNotPermitted(_("You may not register complaints."))
    errors = _Errors()
    case = ComplaintCase(created_by=actor)
    _apply_descriptive(case, errors, data, partial=False)
    _validate_model(case, errors)
    if not errors.errors:
        team = _team_for_new_case(actor, case.category)
        if team is None:
            errors.add("team", "required", _("No team exists to receive the case."))
        else:
            case.team = team
    errors.raise_if_any()

    try:
        with transaction.atomic():
            case.is_repeat = _is_repeat(case)
            deadlines.before_case_insert(case=case)
            case.save()
            # The reference derives from the primary key, so it is unique however many
            # agents create cases at once.
            case.reference = f"TS{timezone.localdate(case.created_at):%Y%m%d}{case.pk:07d}"
            ComplaintCase.objects.filter(pk=case.pk).update(reference=case.reference)
            case_event_record(case=case, kind=EventKind.CREATED, actor=actor, summary=_("Complaint registered"),
                   data={"channel": case.channel, "category": case.category.code, "severity": case.severity},
                   to_state=case.state)
            deadlines.on_case_created(case=case)
            signals.send_after_commit(signals.case_created, case_id=case.pk, actor_id=actor.pk)
    except IntegrityError as exc:
        if "case_external_id_unique_per_client" in str(exc):
            raise ValidationFailed.single("external_id", "unique", _("A case with this external ID exists.")) from exc
        raise
    logger.info("case created", extra={"case_id": case.pk, "reference": case.reference})
    return case


def case_update(*, case_id: int, actor, data: dict, version: int | None = None) -> ComplaintCase:
    """Edit descriptive fields of an open case; `state` is not editable here.

    With `version`, a stale write raises ConflictError. Records which fields changed (never
    their personal-data values) on the timeline.
    """
    if "state" in data:
        raise ValidationFailed.single("state", "read_only", _("Change the state through a transition."))
    unknown = sorted(set(data) - set(DESCRIPTIVE_FIELDS) - {"version"})
    if unknown:
        raise ValidationFailed({k: [("unknown_field", _("This field cannot be changed."))] for k in unknown})
    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id, for_update=True)
        if not actor.has_perm("complaints.work_case", case):
            raise ActionNotPermitted(_("You may not edit this case."))
        if version is not None and version != case.version:
            raise ConflictError(_("The case was changed by someone else; reload it and try again."))
        if not case.is_open:
            raise TransitionNotAllowed(_("A closed or withdrawn case cannot be edited."))
        errors = _Errors()
        _apply_descriptive(case, errors, data, partial=True)
        _validate_model(case, errors)
        errors.raise_if_any()
        _bump_version(case)
        case.save()
        case_event_record(case=case, kind=EventKind.UPDATE, actor=actor, summary=_("Case details edited"),
               data={"fields": sorted(k for k in data if k != "version")})
    return case


def case_reassign(*, case_id: int, actor, assignee_id: int | None) -> ComplaintCase:
    """Hand a case to another member of its team (supervisors)."""
    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id, for_update=True)
        if not actor.has_perm("complaints.reassign_case", case):
            raise ActionNotPermitted(_("Only a supervisor of the team may reassign."))
        assignee = _assignee_in_team(case, assignee_id) if assignee_id is not None else None
        case.assignee = assignee
        _bump_version(case)
        case.save()
        case_event_record(case=case, kind=EventKind.ASSIGNMENT, actor=actor,
               summary=_("Assigned to %(name)s") % {"name": assignee} if assignee else _("Unassigned"),
               data={"assignee": assignee_id})
    return case


def _assignee_in_team(case: ComplaintCase, assignee_id: Any):
    if isinstance(assignee_id, bool) or not isinstance(assignee_id, int):
        raise ValidationFailed.single("assignee", "invalid", _("Give a user id."))
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
    name: str
    permission: str
    clean: Callable[[ComplaintCase, dict, Any], dict]
    summary: Callable[[], str]


def _clean_start_verification(case, payload, actor) -> dict:
    assignee_id = payload.get("assignee")
    if assignee_id is None:
        in_team = case.team_id in actor.team_ids or actor.is_superuser
        return {"assignee": case.assignee or (actor if in_team else None)}
    return {"assignee": _assignee_in_team(case, assignee_id)}


def _clean_complete_verification(case, payload, actor) -> dict:
    errors = _Errors()
    finding = _choice(errors, payload, "finding", Finding, required=True)
    notes = _text(errors, payload, "notes", required=True)
    errors.raise_if_any()
    return {"finding": finding, "notes": notes}


def _clean_propose_resolution(case, payload, actor) -> dict:
    errors = _Errors()
    demand = _text(errors, payload, "customer_demand", required=True)
    notes = _text(errors, payload, "notes", required=False)
    errors.raise_if_any()
    return {"customer_demand": demand, "notes": notes}


def _clean_actions(errors: _Errors, raw: Any) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        errors.add("actions", "required", _("Record at least one resolution action."))
        return []
    if len(raw) > 20:
        errors.add("actions", "max_length", _("At most 20 actions."))
        return []
    actions = []
    for i, item in enumerate(raw):
        prefix = f"actions.{i}"
        if not isinstance(item, dict):
            errors.add(prefix, "invalid", _("Each action is an object with a type."))
            continue
        sub = _Errors()
        action_type = _choice(sub, item, "type", ActionType, required=True)
        detail = _text(sub, item, "detail", required=False)
        amount = None
        raw_amount = item.get("amount")
        if raw_amount not in (None, ""):
            try:
                amount = Decimal(str(raw_amount))
                if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e10"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                sub.add("amount", "invalid", _("Give a positive amount with at most two decimals."))
                amount = None
        elif action_type in AMOUNT_REQUIRED_ACTIONS:
            sub.add("amount", "required", _("An amount is required for this action."))
        for attr, items in sub.errors.items():
            for code, msg in items:
                errors.add(f"{prefix}.{attr}", code, msg)
        actions.append({"type": action_type, "amount": amount, "detail": detail})
    return actions


def _clean_resolve(case, payload, actor) -> dict:
    errors = _Errors()
    actions = _clean_actions(errors, payload.get("actions"))
    summary = _text(errors, payload, "summary", required=True)
    errors.raise_if_any()
    return {"summary": summary, "actions": actions}


def _clean_record_feedback(case, payload, actor) -> dict:
    errors = _Errors()
    satisfaction = payload.get("satisfaction")
    if satisfaction is None:
        errors.add("satisfaction", "required", _("This field is required."))
    elif isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        errors.add("satisfaction", "invalid", _("Give a whole number from 1 to 5."))
    accepted = payload.get("accepted")
    if not isinstance(accepted, bool):
        errors.add("accepted", "required" if accepted is None else "invalid", _("Say whether the customer accepts (true or false)."))
    comment = _text(errors, payload, "comment", required=False)
    errors.raise_if_any()
    return {"satisfaction": satisfaction, "accepted": accepted, "comment": comment}


def _clean_notes_only(case, payload, actor) -> dict:
    errors = _Errors()
    notes = _text(errors, payload, "notes", required=True)
    errors.raise_if_any()
    return {"notes": notes}


def _clean_reason_only(case, payload, actor) -> dict:
    errors = _Errors()
    reason = _text(errors, payload, "reason", required=True)
    errors.raise_if_any()
    return {"reason": reason}


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec("start_verification", "complaints.work_case", _clean_start_verification, lambda: _("Verification started")),
        TransitionSpec("complete_verification", "complaints.work_case", _clean_complete_verification, lambda: _("Verification completed")),
        TransitionSpec("propose_resolution", "complaints.work_case", _clean_propose_resolution, lambda: _("Resolution proposed")),
        TransitionSpec("resolve", "complaints.work_case", _clean_resolve, lambda: _("Resolved")),
        TransitionSpec("record_feedback", "complaints.work_case", _clean_record_feedback, lambda: _("Customer feedback recorded")),
        TransitionSpec("close", "complaints.work_case", _clean_notes_only, lambda: _("Case closed")),
        TransitionSpec("reopen", "complaints.work_case", _clean_reason_only, lambda: _("Case reopened")),
        TransitionSpec("withdraw", "complaints.withdraw_case", _clean_reason_only, lambda: _("Complaint withdrawn")),
    )
}


TransitionCheck = Callable[[ComplaintCase, dict, Any], "dict | None"]
_transition_checks: dict[str, list[TransitionCheck]] = {}


def register_transition_check(name: str, check: TransitionCheck) -> None:
    """Let another app refuse or annotate transition `name` (the conduct app's verification rule).

    `check(case, payload, actor)` runs inside the transition's transaction after the payload
    is validated; it may raise ValidationFailed, and may return a dict that is added to the
    transition's timeline payload (e.g. an override reason).
    """
    checks = _transition_checks.setdefault(name, [])
    if check not in checks:
        checks.append(check)


def case_transition(
    *, case_id: int, name: str, actor, payload: dict | None = None, version: int | None = None
) -> ComplaintCase:
    """Fire transition `name` with its payload, in one transaction with its timeline entry.

    Order of refusal: unknown name → NotFound; case not visible → NotFound; actor may not →
    ActionNotPermitted; not possible from the current state or guard failing →
    TransitionNotAllowed; bad payload → ValidationFailed; someone else moved the case first
    (stale `version` or a concurrent transition) → ConflictError.
    Sends `case_transitioned` after commit.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise NotFound(_("Unknown transition “%(name)s”.") % {"name": name})
    payload = payload if isinstance(payload, dict) else {}
    try:
        with transaction.atomic():
            # Read without a lock: refusals need none; the row is locked just before the write.
            case = case_get_visible(actor=actor, case_id=case_id)
            if not actor.has_perm(spec.permission, case):
                raise ActionNotPermitted(_("You may not do this on this case."))
            method = getattr(case, name)
            meta = method._django_fsm
            if not meta.has_transition(case.state):
                raise TransitionNotAllowed(
                    _("“%(name)s” is not possible from state “%(state)s”.")
                    % {"name": name, "state": case.get_state_display()}
                )
            if version is not None and version != case.version:
                raise ConflictError(_("The case was changed by someone else; reload it and try again."))
            kwargs = spec.clean(case, payload, actor)
            extra_log: dict = {}
            for check in _transition_checks.get(name, ()):
                extra_log.update(check(case, payload, actor) or {})
            from_state = case.state
            actions = kwargs.pop("actions", None)
            if not meta.conditions_met(case, from_state):
                raise TransitionNotAllowed(
                    _("“%(name)s” is not possible yet: an earlier step is missing.") % {"name": name}
                )
            # Lock the row now and refuse if anyone wrote the case since it was read (an edit, an
            # extension, the same transition): the save below must not undo their change.
            locked_version = (
                ComplaintCase.objects.select_for_update().filter(pk=case.pk).values_list("version", flat=True).first()
            )
            if locked_version != case.version:
                raise ConflictError(
                    _("Someone else changed this case at the same moment; reload it and try again.")
                )
            before = {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}
            method(**kwargs)
            _bump_version(case)
            # Only the columns the transition changed: the escalation sweep raises escalation_level
            # and is_breached without a version bump, and those must survive.
            case.save(update_fields=[field for field, value in before.items() if getattr(case, field) != value])
            if actions:
                ResolutionAction.objects.bulk_create(ResolutionAction(case=case, **a) for a in actions)
            case_event_record(case=case,
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
        raise ConflictError(
            _("Someone else changed this case at the same moment; reload it and try again.")
        ) from exc
    logger.info("case transitioned", extra={"case_id": case.pk, "transition": name, "to_state": case.state})
    return case


def _payload_for_log(kwargs: dict, actions: list | None) -> dict:
    logged = {k: (v.pk if hasattr(v, "pk") else v) for k, v in kwargs.items()}
    if actions:
        logged["actions"] = [{**a, "amount": str(a["amount"]) if a["amount"] is not None else None} for a in actions]
    return logged


# -- notes, communications, personal data -------------------------------------------------


def case_note_add(*, case_id: int, actor, body: Any, internal: Any = True) -> Note:
    """Add a note to the case and its timeline."""
    errors = _Errors()
    body = _text(errors, {"body": body}, "body", required=True)
    if not isinstance(internal, bool):
        errors.add("internal", "invalid", _("Must be true or false."))
    errors.raise_if_any()
    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id)
        if not actor.has_perm("complaints.add_note", case):
            raise ActionNotPermitted(_("You may not add notes to this case."))
        note = Note.objects.create(case=case, author=actor, body=body, internal=internal)
        case_event_record(case=case, kind=EventKind.NOTE, actor=actor, summary=body[:200],
               data={"note_id": note.pk, "internal": internal})
    return note


def case_communication_add(*, case_id: int, actor, data: dict) -> Communication:
    """Record a contact with the complainant on the case and its timeline."""
    errors = _Errors()
    channel = _choice(errors, data, "channel", Channel, required=True)
    direction = _choice(errors, data, "direction", Direction, required=True)
    outcome = _choice(errors, data, "outcome", Outcome, required=True)
    summary = _text(errors, data, "summary", required=True)
    errors.raise_if_any()
    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id)
        if not actor.has_perm("complaints.add_communication", case):
            raise ActionNotPermitted(_("You may not record communications on this case."))
        comm = Communication.objects.create(
            case=case, actor=actor, channel=channel, direction=direction, outcome=outcome, summary=summary
        )
        case_event_record(case=case, kind=EventKind.COMMUNICATION, actor=actor, summary=summary[:200],
               data={"communication_id": comm.pk, "channel": channel, "direction": direction, "outcome": outcome})
        deadlines.on_communication(case=case, communication=comm)
    return comm


PII_FIELDS = {
    "name": "complainant_name",
    "phone": "complainant_phone",
    "id_number": "complainant_id_number",
    "email": "complainant_email",
    "account_reference": "account_reference",
}


def case_pii_reveal(*, case_id: int, actor, reason: Any) -> dict[str, str]:
    """The one way to read a case's personal data unmasked: checks the role, logs the access.

    Raises ValidationFailed without a reason, NotFound if the case is not visible,
    ActionNotPermitted for roles that may not see personal data.
    """
    errors = _Errors()
    reason = _text(errors, {"reason": reason}, "reason", required=True, max_length=500)
    case = case_get_visible(actor=actor, case_id=case_id)
    if not actor.has_perm("complaints.view_pii", case):
        raise ActionNotPermitted(_("Your role may not see personal data unmasked."))
    errors.raise_if_any()
    PiiAccessLog.objects.create(case=case, user=actor, reason=reason, fields=sorted(PII_FIELDS))
    logger.info("pii revealed", extra={"case_id": case.pk, "user_id": actor.pk})
    return {key: reveal(getattr(case, field)) for key, field in PII_FIELDS.items()}




__all__ = [
    "TRANSITIONS",
    "CaseState",
    "case_communication_add",
    "case_create",
    "case_note_add",
    "case_pii_reveal",
    "case_reassign",
    "case_transition",
    "case_update",
    "register_transition_check",
]
