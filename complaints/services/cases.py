"""Writes to a case itself: create, edit, reassign (transitions, notes and personal data have
modules of their own beside this one).

Arguments arrive validated by the API's input serializers (`complaints.api.inputs`) or the page
forms built on them; these functions check business rules and permissions only, run in one
transaction each, and send their side effects after commit. Personal data is never logged
here: only case ids and references.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team
from accounts.roles import Role
from accounts.selectors import team_first, team_get
from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    TransitionNotAllowed,
    ValidationFailed,
    unique_violation_as,
)
from common.pii import blind_index, reveal
from complaints import deadlines, signals
from complaints.choices import EventKind, Severity
from complaints.models import (
    Category,
    ComplaintCase,
)
from complaints.selectors import case_get_for
from complaints.services.events import case_event_record
from complaints.validators import MOBILE_RE
from timers.models import Deadline

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
PII_FIELDS = (*COMPLAINANT_FIELDS.values(), "account_reference")
EXTERNAL_ID_UNIQUE = "case_external_id_unique_per_client"
EXTERNAL_ID_TAKEN = gettext_lazy("A case with this external ID exists.")
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


def bump_version(case: ComplaintCase) -> None:
    """Mark the case as changed: every write that a stale form must not undo moves the version."""
    case.version += 1
    case.updated_at = timezone.now()


def _team_for_new_case(actor: Any, category: Category) -> Team | None:
    # Teams come from the per-process memo (accounts.selectors): no query on intake.
    team_ids = actor.team_ids
    if team_ids:
        return team_first(team_ids=team_ids)
    if category.default_team_id:
        return team_get(team_id=category.default_team_id)
    return team_first()


def reference_prefix(at: datetime) -> str:
    """`TS` and the local date of `at`: the reference of a case created then, before its id."""
    return f"TS{timezone.localdate(at):%Y%m%d}"


def _complete_reference(case: ComplaintCase, prefix: str) -> None:
    """Set the reference the INSERT gave the case (`TS`, creation date, id to 7 digits).

    On PostgreSQL the insert's trigger appended the id to `prefix` (migration
    0013_case_reference_on_insert); elsewhere, or when midnight passed between `prefix` and the
    insert, the reference is written here.
    """
    reference = f"{reference_prefix(case.created_at)}{case.pk:07d}"
    if connection.vendor != "postgresql" or not reference.startswith(prefix):
        ComplaintCase.objects.filter(pk=case.pk).update(reference=reference)
    case.reference = reference


def _as_read(case: ComplaintCase, opened: list[Deadline]) -> None:
    """Make the new case look as a read of it would: personal data as `Sensitive` (masked in
    every text form) and its deadlines in the order the detail shows, so the API answers from
    memory."""
    for name in PII_FIELDS:
        field = ComplaintCase._meta.get_field(name)
        setattr(case, name, field.to_python(getattr(case, name)))
    deadlines_qs = case.deadlines.all()
    # What prefetch_related stores: an evaluated queryset, so `case.deadlines.all()` reads no rows.
    deadlines_qs._result_cache = sorted(opened, key=lambda d: (d.due_at, d.pk))
    deadlines_qs._prefetch_done = True
    case._prefetched_objects_cache = {"deadlines": deadlines_qs}  # type: ignore[attr-defined]


def _is_repeat(case: ComplaintCase) -> bool:
    # Written out because every create runs it: the ORM spent ten times the statement's own CPU
    # building it. Indexes case_phone_idx and case_idnum_idx (blind index, received time).
    keys = [(column, value) for column, value in (("phone_index", case.phone_index),
                                                  ("id_number_index", case.id_number_index)) if value]
    if not keys:
        return False
    adapt = connection.ops.adapt_datetimefield_value
    window = [adapt(case.received_at - settings.REPEAT_COMPLAINT_WINDOW), adapt(case.received_at)]
    match = " OR ".join(f"{column} = %s" for column, _value in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {ComplaintCase._meta.db_table} WHERE ({match}) "
            "AND received_at >= %s AND received_at <= %s LIMIT 1",
            [*(value for _column, value in keys), *window],
        )
        return cursor.fetchone() is not None


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

    Writes the case (one INSERT, reference included), its `created` timeline entry and its
    first deadlines (one INSERT) in one transaction; sends `case_created` after commit. Returns
    the case as a read would give it (category, team, deadlines attached; personal data
    `Sensitive`), so callers answer without reading it again. Raises ActionNotPermitted for
    roles that may not register complaints, ValidationFailed when no team can take the case or
    the creator has used `external_id` before (with `external_id`, in a savepoint of its own;
    without one a database error leaves an enclosing transaction unusable, as any bug would).
    """
    case_require(actor=actor, permission="complaints.create_case")
    team = _team_for_new_case(actor, category)
    if team is None:
        raise ValidationFailed.single("team", "required", _("No team exists to receive the case."))
    now = timezone.now()
    prefix = reference_prefix(now)
    case: ComplaintCase = ComplaintCase(
        reference=prefix,
        created_by=actor,
        team=team,
        category=category,
        channel=channel,
        severity=severity,
        summary=summary,
        description=description,
        received_at=received_at or now,
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
    # Only the external ID's unique constraint is a user's error worth a savepoint.
    writing = (
        unique_violation_as(EXTERNAL_ID_UNIQUE, "external_id", str(EXTERNAL_ID_TAKEN))
        if external_id
        else transaction.atomic(savepoint=False)
    )
    with writing:
        case.is_repeat = _is_repeat(case)
        deadlines.before_case_insert(case=case)
        case.save(force_insert=True)
        # The reference derives from the primary key, so it is unique however many
        # agents create cases at once.
        _complete_reference(case, prefix)
        case_event_record(
            case=case,
            kind=EventKind.CREATED,
            actor=actor,
            summary=_("Complaint registered"),
            data={"channel": case.channel, "category": category.code, "severity": case.severity},
            to_state=case.state,
        )
        opened = deadlines.on_case_created(case=case)
        facts = {
            "id": case.pk, "category_id": category.pk, "severity": case.severity, "risk_flags": case.risk_flags,
            "state": case.state, "reference": case.reference, "received_at": case.received_at,
        }
        signals.send_after_commit(signals.case_created, case_id=case.pk, actor_id=actor.pk, facts=facts)
    _as_read(case, opened)
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
        bump_version(case)
        with unique_violation_as(EXTERNAL_ID_UNIQUE, "external_id", str(EXTERNAL_ID_TAKEN)):
            case.save()
        if "severity" in changes:
            # Raised to critical after a breach: the emergency group hears at once, not at the old time.
            deadlines.on_severity_changed(case=case)
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
        assignee = assignee_in_team(case, assignee_id) if assignee_id is not None else None
        case.assignee = assignee
        bump_version(case)
        case.save(update_fields=["assignee", "version", "updated_at"])
        case_event_record(
            case=case,
            kind=EventKind.ASSIGNMENT,
            actor=actor,
            summary=_("Assigned to %(name)s") % {"name": assignee} if assignee else _("Unassigned"),
            data={"assignee": assignee_id},
        )
    return case


def assignee_in_team(case: ComplaintCase, assignee_id: int) -> Any:
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


