"""SLA policies, deadline rows and extensions of the final answer.

A deadline is a row: `started_at`, `due_at`, `warn_at = started_at + warn_ratio × (due_at −
started_at)` and `next_check_at`, the time the escalation sweep must next look at it (`warn_at`
when opened, NULL once met or cancelled). The sweep (complaints escalation) fires the warning at
`warn_at`, the supervisor at `due_at` and the emergency group `emergency_after` later;
`next_check_after` gives those times.

A case keeps a copy of its policy's terms from creation (`ComplaintCase.sla_terms`), because a
policy applies to cases created after it is saved.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_duration
from django.utils.translation import gettext as _

from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from common.queue import enqueue_on_commit
from complaints.business_calendar import add_duration
from complaints.choices import (
    CalendarMode,
    Channel,
    DeadlineKind,
    DeadlineState,
    Direction,
    EventKind,
    Outcome,
    Severity,
)
from complaints.models import (
    CaseEvent,
    Category,
    Communication,
    ComplaintCase,
    Deadline,
    EscalationStep,
    SlaPolicy,
)

logger = logging.getLogger(__name__)

# The 2020 rule for Chinese banks and insurers: a decision within 15 days, a complex case to
# 30 days after receipt, a particularly complex one a further 30 days.
DEFAULT_FINAL_ANSWER = timedelta(days=15)
FIRST_EXTENSION_FROM_RECEIPT = timedelta(days=30)
SECOND_EXTENSION = timedelta(days=30)
MAX_EXTENSIONS = 2
REASON_MAX = 2000

OPEN_DEADLINE_STATES = (DeadlineState.PENDING, DeadlineState.BREACHED)

DURATION_FIELDS = ("acknowledge_within", "verify_within", "final_answer_within", "follow_up_within")
POLICY_FIELDS = (*DURATION_FIELDS, "calendar", "warn_ratio", "emergency_after")
# Generous upper bound that keeps date arithmetic far from overflow.
MAX_POLICY_DURATION = timedelta(days=366)


# -- policies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaTerms:
    """The durations a case is held to (a policy's values, frozen at case creation)."""

    acknowledge_within: timedelta
    verify_within: timedelta
    final_answer_within: timedelta
    follow_up_within: timedelta
    calendar: str
    warn_ratio: float
    emergency_after: timedelta
    policy_id: int | None = None

    def within(self, kind: str) -> timedelta:
        return getattr(self, f"{kind}_within")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, timedelta):
                data[key] = value.total_seconds()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SlaTerms:
        default = cls.from_policy(SlaPolicy())
        values = {}
        for key, fallback in asdict(default).items():
            raw = data.get(key, fallback)
            if isinstance(fallback, timedelta):
                raw = timedelta(seconds=float(raw)) if isinstance(raw, int | float) else fallback
            values[key] = raw
        return cls(**values)

    @classmethod
    def from_policy(cls, policy: SlaPolicy) -> SlaTerms:
        return cls(policy_id=policy.pk, **{f: getattr(policy, f) for f in POLICY_FIELDS})


def sla_policy_for(*, category: Category | int | None, severity: str) -> SlaPolicy:
    """The policy for (category, severity), else the category's normal one, else a 15-day default.

    The default is an unsaved `SlaPolicy` with the model's defaults (final answer in 15 days).
    """
    category_id = category.pk if isinstance(category, Category) else category
    if category_id is not None:
        policies = {
            p.severity: p
            for p in SlaPolicy.objects.filter(
                category_id=category_id, severity__in=[severity, Severity.NORMAL]
            )
        }
        policy = policies.get(severity) or policies.get(Severity.NORMAL)
        if policy is not None:
            return policy
    logger.warning(
        "no SLA policy for category and severity; using the default",
        extra={"category_id": category_id, "severity": severity},
    )
    return SlaPolicy(final_answer_within=DEFAULT_FINAL_ANSWER)


def case_sla_terms(case: ComplaintCase) -> SlaTerms:
    """The terms a case is held to: its creation-time copy, else today's policy."""
    if case.sla_terms:
        return SlaTerms.from_json(case.sla_terms)
    return SlaTerms.from_policy(sla_policy_for(category=case.category_id, severity=case.severity))


def next_check_after(deadline: Deadline, level: int) -> datetime | None:
    """When the sweep must look at `deadline` again once escalation `level` has fired.

    0 (nothing fired) → warn_at; warning → due_at; supervisor → due_at + emergency_after
    (at once for critical cases); emergency → None (the ladder is done).
    """
    if level <= 0:
        return deadline.warn_at
    if level == EscalationStep.Level.WARN:
        return deadline.due_at
    if level == EscalationStep.Level.SUPERVISOR:
        case = deadline.case
        if case.severity == Severity.CRITICAL:
            return deadline.due_at
        return deadline.due_at + case_sla_terms(case).emergency_after
    return None


def parse_iso_duration(value: Any) -> timedelta | None:
    """An ISO 8601 duration (`P15D`, `PT30S`, `P1DT12H`) or None if it is not one."""
    if not isinstance(value, str) or not value.startswith(("P", "-P", "+P")):
        return None
    try:
        return parse_duration(value)
    except (ValueError, OverflowError):
        return None


def format_iso_duration(value: timedelta) -> str:
    """The shortest ISO 8601 form: 15 days → `P15D`, 30 s → `PT30S`, 0 → `PT0S`."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    days = value.days
    seconds = value.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    micro = value.microseconds
    date_part = f"{days}D" if days else ""
    time_part = ""
    if hours:
        time_part += f"{hours}H"
    if minutes:
        time_part += f"{minutes}M"
    if secs or micro:
        time_part += f"{secs}.{micro:06d}".rstrip("0").rstrip(".") + "S"
    if not date_part and not time_part:
        return "PT0S"
    return f"{sign}P{date_part}" + (f"T{time_part}" if time_part else "")


def _clean_policy(data: dict, *, partial: bool) -> dict[str, Any]:
    """Validate a policy payload in the API guide's shape; raises ValidationFailed naming each field."""
    errors: dict[str, list[tuple[str, str]]] = {}
    cleaned: dict[str, Any] = {}

    def add(attr: str, code: str, message: str) -> None:
        errors.setdefault(attr, []).append((code, str(message)))

    def wanted(key: str) -> bool:
        return key in data if partial else True

    for key in ("category", "severity"):
        if wanted(key) and data.get(key) in (None, ""):
            add(key, "required", _("This field is required."))
    if wanted("category") and data.get("category") not in (None, ""):
        code = data["category"]
        category = Category.objects.filter(code=code).first() if isinstance(code, str) else None
        if category is None:
            add("category", "invalid_choice", _("Unknown category “%(code)s”.") % {"code": code})
        else:
            cleaned["category"] = category
    if wanted("severity") and data.get("severity") not in (None, ""):
        if data["severity"] not in Severity.values:
            add("severity", "invalid_choice", _("“%(value)s” is not a valid choice.") % {"value": data["severity"]})
        else:
            cleaned["severity"] = data["severity"]
    for key in (*DURATION_FIELDS, "emergency_after"):
        if key not in data:
            continue
        duration = parse_iso_duration(data[key])
        if duration is None:
            add(key, "invalid", _("Give an ISO 8601 duration such as P15D or PT4H."))
        elif key != "emergency_after" and duration <= timedelta(0):
            add(key, "min_value", _("The duration must be positive."))
        elif duration < timedelta(0) or duration > MAX_POLICY_DURATION:
            add(key, "max_value", _("The duration must lie between zero and 366 days."))
        else:
            cleaned[key] = duration
    if "calendar" in data:
        if data["calendar"] not in CalendarMode.values:
            add("calendar", "invalid_choice", _("“%(value)s” is not a valid choice.") % {"value": data["calendar"]})
        else:
            cleaned["calendar"] = data["calendar"]
    if "warn_ratio" in data:
        ratio = data["warn_ratio"]
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio < 1:
            add("warn_ratio", "invalid", _("Give a number between 0 and 1 (exclusive)."))
        else:
            cleaned["warn_ratio"] = float(ratio)
    unknown = sorted(set(data) - {"id", "category", "severity", *POLICY_FIELDS})
    for key in unknown:
        add(key, "unknown_field", _("This field cannot be set."))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _require_policy_writer(actor) -> None:
    if not actor.has_perm("complaints.change_sla_policy"):
        raise ActionNotPermitted(_("Only supervisors and administrators may change SLA policies."))


def _save_policy(policy: SlaPolicy) -> SlaPolicy:
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        if "sla_one_per_category_severity" in str(exc):
            raise ValidationFailed.single(
                "severity", "unique", _("A policy for this category and severity exists already.")
            ) from exc
        raise
    return policy


def sla_policy_create(*, actor, data: dict) -> SlaPolicy:
    """Create the policy of one (category, severity); unset durations take the model defaults.

    Applies to cases created afterwards. Raises ValidationFailed (also on a duplicate),
    ActionNotPermitted.
    """
    _require_policy_writer(actor)
    cleaned = _clean_policy(data if isinstance(data, dict) else {}, partial=False)
    policy = _save_policy(SlaPolicy(**cleaned))
    logger.info("sla policy created", extra={"policy_id": policy.pk, "actor_id": actor.pk})
    return policy


def sla_policy_update(*, actor, policy_id: Any, data: dict) -> SlaPolicy:
    """Change some fields of a policy; cases created before keep the terms they started with."""
    _require_policy_writer(actor)
    policy = sla_policy_get(actor=actor, policy_id=policy_id)
    cleaned = _clean_policy(data if isinstance(data, dict) else {}, partial=True)
    for key, value in cleaned.items():
        setattr(policy, key, value)
    _save_policy(policy)
    logger.info("sla policy updated", extra={"policy_id": policy.pk, "actor_id": actor.pk})
    return policy


def sla_policy_list_for(*, actor):
    """Every policy, for roles that may read them (ActionNotPermitted otherwise)."""
    if not actor.has_perm("complaints.view_sla_policy"):
        raise ActionNotPermitted(_("Your role may not read SLA policies."))
    return SlaPolicy.objects.select_related("category").order_by("category__sort_order", "category__code", "id")


def sla_policy_get(*, actor, policy_id: Any) -> SlaPolicy:
    try:
        pk = int(policy_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such SLA policy.")) from None
    policy = sla_policy_list_for(actor=actor).filter(pk=pk).first()
    if policy is None:
        raise NotFound(_("No such SLA policy."))
    return policy


# -- deadlines -----------------------------------------------------------------------------


def deadline_open(
    *,
    case: ComplaintCase,
    kind: str,
    started_at: datetime | None = None,
    due_at: datetime | None = None,
    replace: bool = True,
) -> Deadline:
    """Open a pending deadline of `kind` on the case (call inside the caller's transaction).

    `due_at` defaults to the case's terms for `kind` from `started_at` (default: now).
    An open deadline of the same kind is cancelled first, so there is one at a time
    (`replace=False` skips that query for a case that has none yet).
    """
    terms = case_sla_terms(case)
    started_at = started_at or timezone.now()
    if due_at is None:
        due_at = add_duration(started_at, terms.within(kind), terms.calendar)
    if replace:
        deadline_cancel(case=case, kinds=[kind])
    return Deadline.objects.create(
        case=case,
        kind=kind,
        started_at=started_at,
        due_at=due_at,
        warn_at=warn_time(started_at, due_at, terms.warn_ratio),
        next_check_at=warn_time(started_at, due_at, terms.warn_ratio),
    )


def warn_time(started_at: datetime, due_at: datetime, ratio: float) -> datetime:
    return started_at + (due_at - started_at) * ratio


def _open_deadlines(case: ComplaintCase, kinds: list[str] | None):
    qs = Deadline.objects.filter(case=case, state__in=OPEN_DEADLINE_STATES, met_at__isnull=True)
    return qs.filter(kind__in=kinds) if kinds is not None else qs


def deadline_meet(*, case: ComplaintCase, kinds: list[str] | None = None, at: datetime | None = None) -> int:
    """Mark the case's open deadlines of `kinds` (all if None) met; the sweep stops watching them."""
    return _open_deadlines(case, kinds).update(
        state=DeadlineState.MET, met_at=at or timezone.now(), next_check_at=None, paused_at=None
    )


def deadline_cancel(*, case: ComplaintCase, kinds: list[str] | None = None) -> int:
    """Cancel the case's open deadlines of `kinds` (all if None): nothing more fires for them."""
    return _open_deadlines(case, kinds).update(
        state=DeadlineState.CANCELLED, next_check_at=None, paused_at=None
    )


# -- pause while waiting for the customer --------------------------------------------------

# The clocks the customer can hold up (missing documents, an unreachable complainant).
PAUSABLE_KINDS = (DeadlineKind.VERIFY, DeadlineKind.FINAL_ANSWER)


def deadlines_resume(*, case: ComplaintCase, at: datetime | None = None) -> timedelta | None:
    """Restart the case's paused deadlines: the paused time does not count.

    Each paused row's `due_at` and `warn_at` move later by the time it was paused (elapsed
    time, also under a working-day policy) and the sweep watches it again. Returns the longest
    paused span, or None when nothing was paused. Call inside the caller's transaction.
    """
    at = at or timezone.now()
    rows = list(
        _open_deadlines(case, None).select_for_update().filter(paused_at__isnull=False).order_by("id")
    )
    if not rows:
        return None
    longest = timedelta(0)
    for deadline in rows:
        shift = max(at - deadline.paused_at, timedelta(0))
        longest = max(longest, shift)
        deadline.due_at += shift
        deadline.warn_at += shift
        deadline.paused_at = None
        deadline.case = case
        deadline.next_check_at = next_check_after(deadline, deadline.escalation_level)
    Deadline.objects.bulk_update(rows, ["due_at", "warn_at", "paused_at", "next_check_at"])
    return longest


def case_pause(*, case_id: Any, actor, reason: Any) -> ComplaintCase:
    """Stop the verify and final-answer clocks while waiting for the customer, with a reason.

    Only deadlines not yet due pause; the sweep ignores them until `case_resume`, a transition
    or an inbound contact from the complainant restarts them. Writes an `update` timeline entry.
    Raises NotFound, ActionNotPermitted, ValidationFailed (reason), TransitionNotAllowed
    (closed case, nothing to pause), ConflictError (already paused).
    """
    from complaints.selectors import case_get_visible

    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id, for_update=True)
        if not actor.has_perm("complaints.work_case", case):
            raise ActionNotPermitted(_("You may not pause this case's deadlines."))
        reason = _clean_reason(reason, what=_("Give the reason for the pause."))
        if not case.is_open:
            raise TransitionNotAllowed(_("A closed or withdrawn case has no deadlines to pause."))
        now = timezone.now()
        open_rows = _open_deadlines(case, list(PAUSABLE_KINDS)).select_for_update()
        if open_rows.filter(paused_at__isnull=False).exists():
            raise ConflictError(_("The deadlines are already paused."))
        ids = list(open_rows.filter(due_at__gt=now, breached=False).values_list("id", flat=True))
        if not ids:
            raise TransitionNotAllowed(_("No deadline that is not yet due can be paused."))
        Deadline.objects.filter(pk__in=ids).update(paused_at=now, next_check_at=None)
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.UPDATE,
            actor=actor,
            summary=_("Deadlines paused while waiting for the customer"),
            data={"sla_pause": True, "reason": reason, "deadline_ids": ids},
        )
    logger.info("case deadlines paused", extra={"case_id": case.pk, "deadlines": len(ids)})
    return case


def case_resume(*, case_id: Any, actor) -> ComplaintCase:
    """Restart the deadlines paused by `case_pause` (see `deadlines_resume`).

    Raises NotFound, ActionNotPermitted, TransitionNotAllowed (nothing paused).
    """
    from complaints.selectors import case_get_visible

    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id, for_update=True)
        if not actor.has_perm("complaints.work_case", case):
            raise ActionNotPermitted(_("You may not resume this case's deadlines."))
        paused_for = deadlines_resume(case=case)
        if paused_for is None:
            raise TransitionNotAllowed(_("No deadline of this case is paused."))
        _record_resume(case, actor, paused_for)
    return case


def _record_resume(case: ComplaintCase, actor, paused_for: timedelta) -> None:
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.UPDATE,
        actor=actor,
        summary=_("Deadlines resumed; the paused time does not count"),
        data={"sla_resume": True, "paused_for": format_iso_duration(paused_for)},
    )


def deadlines_resume_recorded(*, case: ComplaintCase, actor=None) -> None:
    """Resume paused deadlines and note it on the timeline, if any were paused (for the seam)."""
    paused_for = deadlines_resume(case=case)
    if paused_for is not None:
        _record_resume(case, actor, paused_for)


def case_sla_terms_freeze(*, case: ComplaintCase) -> None:
    """Copy the current policy's terms onto a case about to be inserted (no write of its own)."""
    policy = sla_policy_for(category=case.category_id, severity=case.severity)
    case.sla_terms = SlaTerms.from_policy(policy).to_json()


def case_sla_start(*, case: ComplaintCase) -> None:
    """Open a new case's acknowledge and final-answer deadlines on its frozen terms.

    Both count from receipt (`received_at`), as the regulation does.
    """
    deadline_open(case=case, kind=DeadlineKind.ACKNOWLEDGE, started_at=case.received_at, replace=False)
    deadline_open(case=case, kind=DeadlineKind.FINAL_ANSWER, started_at=case.received_at, replace=False)


# -- extensions ----------------------------------------------------------------------------


def case_extend(*, case_id: Any, actor, reason: Any) -> ComplaintCase:
    """Extend the final-answer deadline of an open case, with a reason.

    First extension (complex case): to 30 days after receipt; needs complaints.first_extension.
    Second (particularly complex): a further 30 days; needs complaints.second_extension, and the
    actor is recorded as the approver. A third raises ConflictError.
    The pending final-answer row is cancelled and a new one opened with the new due time, so the
    escalation ladder starts afresh. Writes an `extension` timeline entry and, after commit,
    enqueues the notice to the complainant.
    Raises NotFound, ValidationFailed (reason), ActionNotPermitted, TransitionNotAllowed (no open
    final answer), ConflictError (third extension).
    """
    from complaints.selectors import case_get_visible
    from complaints.sla_tasks import send_extension_notice

    with transaction.atomic():
        case = case_get_visible(actor=actor, case_id=case_id, for_update=True)
        # The append-only timeline counts extensions: a transition saving a stale copy of the
        # case cannot lower it the way it could overwrite `extension_count`.
        granted = CaseEvent.objects.filter(case=case, kind=EventKind.EXTENSION).count()
        number = max(granted, case.extension_count) + 1
        if number > MAX_EXTENSIONS:
            raise ConflictError(_("The final answer has been extended twice already; no further extension is possible."))
        perm = "complaints.first_extension" if number == 1 else "complaints.second_extension"
        if not actor.has_perm(perm, case):
            raise ActionNotPermitted(
                _("You may not extend this case.") if number == 1
                else _("A second extension needs a supervisor's approval.")
            )
        reason = _clean_reason(reason)
        if not case.is_open:
            raise TransitionNotAllowed(_("A closed or withdrawn case cannot be extended."))
        # A paused clock restarts first, so the paused time still does not count.
        deadlines_resume_recorded(case=case, actor=actor)
        current = (
            _open_deadlines(case, [DeadlineKind.FINAL_ANSWER]).order_by("-due_at", "-id").first()
        )
        if current is None:
            raise TransitionNotAllowed(_("The case has no open final-answer deadline to extend."))
        if number == 1:
            new_due = max(current.due_at, case.received_at + FIRST_EXTENSION_FROM_RECEIPT)
        else:
            new_due = current.due_at + SECOND_EXTENSION
        deadline = deadline_open(
            case=case, kind=DeadlineKind.FINAL_ANSWER, started_at=current.started_at, due_at=new_due
        )
        case.extension_count = number
        case.version += 1
        ComplaintCase.objects.filter(pk=case.pk).update(
            extension_count=number, version=case.version, updated_at=timezone.now()
        )
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.EXTENSION,
            actor=actor,
            summary=(
                _("Final answer extended to %(due)s (complex case)")
                if number == 1
                else _("Final answer extended to %(due)s (particularly complex case, approved)")
            ) % {"due": timezone.localtime(new_due).strftime("%Y-%m-%d %H:%M")},
            data={
                "extension": number,
                "reason": reason,
                "previous_due_at": current.due_at.isoformat(),
                "due_at": new_due.isoformat(),
                "deadline_id": deadline.pk,
                "approved_by": actor.pk if number == 2 else None,
            },
        )
        enqueue_on_commit(send_extension_notice, case.pk, number, actor.pk)
    logger.info("final answer extended", extra={"case_id": case.pk, "extension": number})
    return case


def _clean_reason(reason: Any, *, what: str | None = None) -> str:
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        raise ValidationFailed.single("reason", "required", what or _("Give the reason for the extension."))
    if not isinstance(reason, str) or "\x00" in reason:
        raise ValidationFailed.single("reason", "invalid", _("Must be text."))
    if len(reason) > REASON_MAX:
        raise ValidationFailed.single(
            "reason", "max_length", _("Ensure this field has no more than %(n)d characters.") % {"n": REASON_MAX}
        )
    return reason.strip()


def extension_notice_record(*, case_id: int, extension: int, actor_id: int) -> Communication | None:
    """Record the notice telling the complainant of extension number `extension`, once.

    The notice is an outbound `Communication` (SMS when the complainant gave a phone, else
    e-mail or letter) on the case and its timeline, marked with the extension number so that
    a retried or re-delivered task records nothing twice. Returns None when already recorded
    or when the case or its extension no longer exists.
    """
    with transaction.atomic():
        case = ComplaintCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return None
        extended = (
            CaseEvent.objects.filter(case=case, kind=EventKind.EXTENSION, data__extension=extension)
            .order_by("-id")
            .first()
        )
        if extended is None:
            return None
        if CaseEvent.objects.filter(
            case=case, kind=EventKind.COMMUNICATION, data__extension_notice=extension
        ).exists():
            return None
        if case.phone_index:
            channel = Channel.SMS
        elif case.complainant_email:
            channel = Channel.EMAIL
        else:
            channel = Channel.LETTER
        due = timezone.localtime(datetime.fromisoformat(extended.data["due_at"]))
        summary = _(
            "Notice to the complainant: the final answer on this complaint is extended to %(due)s."
        ) % {"due": due.strftime("%Y-%m-%d")}
        comm = Communication.objects.create(
            case=case,
            actor_id=actor_id,
            channel=channel,
            direction=Direction.OUTBOUND,
            outcome=Outcome.LEFT_MESSAGE,
            summary=summary,
        )
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.COMMUNICATION,
            actor_id=actor_id,
            summary=summary[:500],
            data={
                "communication_id": comm.pk,
                "channel": channel,
                "direction": Direction.OUTBOUND,
                "outcome": Outcome.LEFT_MESSAGE,
                "extension_notice": extension,
            },
        )
    logger.info("extension notice recorded", extra={"case_id": case_id, "extension": extension})
    return comm
