"""What people record on a case: notes and communications with the complainant."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from complaints import deadlines
from complaints.choices import EventKind
from complaints.models import Communication, Note
from complaints.selectors import case_get_for
from complaints.services.cases import case_require
from complaints.services.events import case_event_record

logger = logging.getLogger(__name__)


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


