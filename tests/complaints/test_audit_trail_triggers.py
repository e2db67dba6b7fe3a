"""PostgreSQL itself refuses to change or delete the case audit trail, whatever sends the SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from complaints.models import CaseEvent, Communication, Note, PiiAccessLog
from complaints.services import case_communication_add, case_note_add, case_pii_reveal
from tests.factories import advance, make_case

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list) -> None:
    # In a savepoint, so that the test's transaction survives the refusal.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _event(agent) -> CaseEvent:
    return CaseEvent.objects.filter(case=make_case(actor=agent)).first()


def test_raw_update_of_a_timeline_row_is_refused(agent):
    event = _event(agent)

    with pytest.raises(IntegrityError, match="append-only: UPDATE on complaints_caseevent"):
        _raw("UPDATE complaints_caseevent SET summary = %s WHERE id = %s", ["篡改", event.pk])


def test_refused_update_leaves_the_timeline_row_as_it_was(agent):
    event = _event(agent)

    with pytest.raises(IntegrityError):
        _raw("UPDATE complaints_caseevent SET summary = %s WHERE id = %s", ["篡改", event.pk])

    assert CaseEvent.objects.get(pk=event.pk).summary == event.summary


def test_raw_delete_of_a_timeline_row_is_refused(agent):
    event = _event(agent)

    with pytest.raises(IntegrityError, match="append-only: DELETE on complaints_caseevent"):
        _raw("DELETE FROM complaints_caseevent WHERE id = %s", [event.pk])


def test_raw_update_of_a_transition_entry_is_refused(agent):
    case = advance(make_case(actor=agent), actor=agent, steps=1)
    transition = CaseEvent.objects.filter(case=case).exclude(transition="").last()

    with pytest.raises(IntegrityError):
        _raw("UPDATE complaints_caseevent SET to_state = %s WHERE id = %s", ["closed", transition.pk])


def test_raw_insert_into_the_timeline_still_works(agent):
    case = make_case(actor=agent)

    _raw(
        "INSERT INTO complaints_caseevent (case_id, kind, at, transition, from_state, to_state, summary, data) "
        "VALUES (%s, 'note', now(), '', '', '', %s, '{}')",
        [case.pk, "补录"],
    )

    assert CaseEvent.objects.filter(case=case, summary="补录").exists()


def test_raw_update_of_a_personal_data_access_row_is_refused(agent, auditor):
    case = make_case(actor=agent)
    case_pii_reveal(case_id=case.pk, actor=auditor, reason="合规抽查")
    access = PiiAccessLog.objects.get(case=case)

    with pytest.raises(IntegrityError, match="complaints_piiaccesslog"):
        _raw("UPDATE complaints_piiaccesslog SET reason = %s WHERE id = %s", ["无", access.pk])


def test_raw_delete_of_a_personal_data_access_row_is_refused(agent, auditor):
    case = make_case(actor=agent)
    case_pii_reveal(case_id=case.pk, actor=auditor, reason="合规抽查")

    with pytest.raises(IntegrityError, match="complaints_piiaccesslog"):
        _raw("DELETE FROM complaints_piiaccesslog WHERE case_id = %s", [case.pk])


def test_raw_update_of_a_note_is_refused(agent):
    case = make_case(actor=agent)
    note = case_note_add(case_id=case.pk, actor=agent, body="原始记录")

    with pytest.raises(IntegrityError, match="complaints_note"):
        _raw("UPDATE complaints_note SET body = %s WHERE id = %s", ["改写", note.pk])


def test_raw_delete_of_a_communication_is_refused(agent):
    case = make_case(actor=agent)
    case_communication_add(
        case_id=case.pk, actor=agent, channel="phone", direction="outbound", outcome="reached", summary="已联系"
    )

    with pytest.raises(IntegrityError, match="complaints_communication"):
        _raw("DELETE FROM complaints_communication WHERE case_id = %s", [case.pk])
    assert Communication.objects.filter(case=case).exists()


def test_note_rows_still_count_after_a_refused_delete(agent):
    case = make_case(actor=agent)
    case_note_add(case_id=case.pk, actor=agent, body="记录")

    with pytest.raises(IntegrityError):
        _raw("DELETE FROM complaints_note WHERE case_id = %s", [case.pk])

    assert Note.objects.filter(case=case).count() == 1
