"""The audit trail is append-only: case events, notes, communications, PII access rows."""

import pytest

from complaints.models import CaseEvent, Note, PiiAccessLog
from complaints.services import case_note_add, case_pii_reveal
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_case_event_cannot_be_changed(agent):
    event = CaseEvent.objects.get(case=make_case(actor=agent))
    event.summary = "篡改"

    with pytest.raises(TypeError):
        event.save()


def test_case_event_cannot_be_deleted(agent):
    event = CaseEvent.objects.get(case=make_case(actor=agent))

    with pytest.raises(TypeError):
        event.delete()


def test_case_events_cannot_be_bulk_updated(agent):
    make_case(actor=agent)

    with pytest.raises(TypeError):
        CaseEvent.objects.all().update(summary="篡改")


def test_case_events_cannot_be_bulk_deleted(agent):
    make_case(actor=agent)

    with pytest.raises(TypeError):
        CaseEvent.objects.all().delete()


def test_case_event_row_survives_a_refused_delete(agent):
    event = CaseEvent.objects.get(case=make_case(actor=agent))

    with pytest.raises(TypeError):
        event.delete()

    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_note_cannot_be_changed(agent):
    case = make_case(actor=agent)
    note = case_note_add(case_id=case.pk, actor=agent, body="原始记录")
    note.body = "改写"

    with pytest.raises(TypeError):
        note.save()


def test_pii_access_log_cannot_be_deleted(agent, auditor):
    case = make_case(actor=agent)
    case_pii_reveal(case_id=case.pk, actor=auditor, reason="合规抽查")

    with pytest.raises(TypeError):
        PiiAccessLog.objects.filter(case=case).delete()


def test_note_cannot_be_bulk_deleted(agent):
    case = make_case(actor=agent)
    case_note_add(case_id=case.pk, actor=agent, body="记录")

    with pytest.raises(TypeError):
        Note.objects.filter(case=case).delete()
