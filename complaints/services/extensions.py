"""Extensions of a case's final answer (the 15/30/60-day rule) and the complainant's notice.

The 2020 rule for Chinese banks and insurers: a decision within 15 days of receipt; a complex
case may be extended to 30 days after receipt, a particularly complex one by a further 30 days
with a supervisor's approval; no third extension.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, ConflictError, TransitionNotAllowed
from common.queue import enqueue_on_commit
from complaints.choices import Channel, DeadlineKind, Direction, EventKind, Outcome
from complaints.models import CaseEvent, Communication, ComplaintCase
from complaints.services.events import case_event_record
from complaints.services.pauses import case_deadlines_resume
from complaints.sla import case_deadline_open
from timers.services import OPEN_STATES

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

FIRST_EXTENSION_FROM_RECEIPT = timedelta(days=30)
SECOND_EXTENSION = timedelta(days=30)
MAX_EXTENSIONS = 2


def case_extend(*, case_id: int, actor: User, reason: str) -> ComplaintCase:
    """Extend the final-answer deadline of an open case, with a reason.

    First extension (complex case): to 30 days after receipt; needs complaints.first_extension.
    Second (particularly complex): a further 30 days; needs complaints.second_extension, and the
    actor is recorded as the approver. A third raises ConflictError.
    The pending final-answer row is cancelled and a new one opened with the new due time, so the
    escalation ladder starts afresh. Writes an `extension` timeline entry and, after commit,
    enqueues the notice to the complainant.
    Raises NotFound, ActionNotPermitted, TransitionNotAllowed (no open final answer),
    ConflictError (third extension).
    """
    from complaints.selectors import case_get_for
    from complaints.tasks import send_extension_notice

    with transaction.atomic():
        case = case_get_for(actor=actor, case_id=case_id, for_update=True)
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
        if not case.is_open:
            raise TransitionNotAllowed(_("A closed or withdrawn case cannot be extended."))
        # A paused clock restarts first, so the paused time still does not count.
        case_deadlines_resume(case=case, actor=actor)
        current = (
            case.deadlines.filter(kind=DeadlineKind.FINAL_ANSWER, state__in=OPEN_STATES, met_at__isnull=True)
            .order_by("-due_at", "-id")
            .first()
        )
        if current is None:
            raise TransitionNotAllowed(_("The case has no open final-answer deadline to extend."))
        if number == 1:
            new_due = max(current.due_at, case.received_at + FIRST_EXTENSION_FROM_RECEIPT)
        else:
            new_due = current.due_at + SECOND_EXTENSION
        deadline = case_deadline_open(
            case=case, kind=DeadlineKind.FINAL_ANSWER, started_at=current.started_at, due_at=new_due
        )
        case.extension_count = number
        case.version += 1
        ComplaintCase.objects.filter(pk=case.pk).update(
            extension_count=number, version=case.version, updated_at=timezone.now()
        )
        case_event_record(
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
                "reason": reason.strip(),
                "previous_due_at": current.due_at.isoformat(),
                "due_at": new_due.isoformat(),
                "deadline_id": deadline.pk,
                "approved_by": actor.pk if number == 2 else None,
            },
        )
        enqueue_on_commit(send_extension_notice, case.pk, number, actor.pk)
    logger.info("final answer extended", extra={"case_id": case.pk, "extension": number})
    return case


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
        case_event_record(
            case=case,
            kind=EventKind.COMMUNICATION,
            actor=comm.actor,
            summary=summary,
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
