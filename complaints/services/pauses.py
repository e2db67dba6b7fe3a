"""Pausing a case's verify and final-answer clocks while waiting for the customer.

Only deadlines not yet due pause; the sweep ignores them until `case_resume`, a transition, an
inbound contact from the complainant or an extension restarts them (`case_deadlines_resume`),
so a forgotten pause cannot hold a deadline forever past the case's next step. The paused time
does not count: resuming moves the due and warning times later by it (by the working time
paused under a working-day policy).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, ConflictError, TransitionNotAllowed
from complaints.choices import DeadlineKind, EventKind
from complaints.models import ComplaintCase
from complaints.services.events import case_event_record
from complaints.sla import case_sla_terms, format_iso_duration
from timers import services as timers

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The clocks the customer can hold up (missing documents, an unreachable complainant).
PAUSABLE_KINDS = (DeadlineKind.VERIFY, DeadlineKind.FINAL_ANSWER)


def case_pause(*, case_id: int, actor: User, reason: str) -> ComplaintCase:
    """Stop the verify and final-answer clocks that are not yet due, with a reason.

    Writes an `update` timeline entry. Raises NotFound, ActionNotPermitted,
    TransitionNotAllowed (closed case, nothing to pause), ConflictError (already paused).
    """
    from complaints.selectors import case_get_for

    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id, for_update=True)
        if not actor.has_perm("complaints.work_case", case):
            raise ActionNotPermitted(_("You may not pause this case's deadlines."))
        if not case.is_open:
            raise TransitionNotAllowed(_("A closed or withdrawn case has no deadlines to pause."))
        if timers.deadlines_paused(subject=case, kinds=PAUSABLE_KINDS):
            raise ConflictError(_("The deadlines are already paused."))
        ids = timers.deadlines_pause(subject=case, kinds=PAUSABLE_KINDS, at=timezone.now())
        if not ids:
            raise TransitionNotAllowed(_("No deadline that is not yet due can be paused."))
        case_event_record(
            case=case,
            kind=EventKind.UPDATE,
            actor=actor,
            summary=_("Deadlines paused while waiting for the customer"),
            data={"sla_pause": True, "reason": reason.strip(), "deadline_ids": ids},
        )
    logger.info("case deadlines paused", extra={"case_id": case.pk, "deadlines": len(ids)})
    return case


def case_resume(*, case_id: int, actor: User) -> ComplaintCase:
    """Restart the deadlines paused by `case_pause`.

    Raises NotFound, ActionNotPermitted, TransitionNotAllowed (nothing paused).
    """
    from complaints.selectors import case_get_for

    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id, for_update=True)
        if not actor.has_perm("complaints.work_case", case):
            raise ActionNotPermitted(_("You may not resume this case's deadlines."))
        if case_deadlines_resume(case=case, actor=actor) is None:
            raise TransitionNotAllowed(_("No deadline of this case is paused."))
    return case


def case_deadlines_resume(*, case: ComplaintCase, actor: User | None = None) -> timedelta | None:
    """Resume the case's paused deadlines and note it on the timeline, if any were paused.

    Call inside the caller's transaction (the deadlines seam, extensions, `case_resume`).
    Returns the longest paused span, or None when nothing was paused.
    """
    paused_for = timers.deadlines_resume(subject=case, mode=case_sla_terms(case).calendar)
    if paused_for is not None:
        case_event_record(
            case=case,
            kind=EventKind.UPDATE,
            actor=actor,
            summary=_("Deadlines resumed; the paused time does not count"),
            data={"sla_resume": True, "paused_for": format_iso_duration(paused_for)},
        )
    return paused_for
