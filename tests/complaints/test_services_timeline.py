"""Notes, communications, edits and reassignment: each is written with its timeline entry."""

import pytest

from common.exceptions import ActionNotPermitted, ConflictError, TransitionNotAllowed
from complaints.api.inputs import CaseUpdateSerializer, CommunicationInput
from complaints.choices import EventKind
from complaints.models import CaseEvent, Communication, Note
from complaints.services import (
    case_communication_add,
    case_event_record,
    case_note_add,
    case_reassign,
    case_transition,
    case_update,
)
from tests.factories import UserFactory, input_errors, make_case

pytestmark = pytest.mark.django_db

CALL = {"channel": "phone", "direction": "outbound", "outcome": "reached", "summary": "已向客户解释逾期费用计算方式"}


def test_note_is_stored(agent):
    case = make_case(actor=agent)

    note = case_note_add(case_id=case.pk, actor=agent, body="客户情绪激动，需主管跟进")

    assert Note.objects.get(pk=note.pk).body == "客户情绪激动，需主管跟进"


def test_note_lands_on_the_timeline(agent):
    case = make_case(actor=agent)

    note = case_note_add(case_id=case.pk, actor=agent, body="已调取通话录音", internal=False)

    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.kind, event.data) == (EventKind.NOTE, {"note_id": note.pk, "internal": False})


def test_api_client_may_add_a_note_to_its_case(callcenter):
    case = make_case(actor=callcenter)

    note = case_note_add(case_id=case.pk, actor=callcenter, body="客户来电补充材料")

    assert note.author == callcenter


def test_auditor_may_not_add_a_note(agent, auditor):
    case = make_case(actor=agent)

    with pytest.raises(ActionNotPermitted):
        case_note_add(case_id=case.pk, actor=auditor, body="x")


def test_communication_is_stored(agent):
    case = make_case(actor=agent)

    comm = case_communication_add(case_id=case.pk, actor=agent, **CALL)

    assert Communication.objects.get(pk=comm.pk).outcome == "reached"


def test_communication_lands_on_the_timeline(agent):
    case = make_case(actor=agent)

    comm = case_communication_add(case_id=case.pk, actor=agent, **CALL)

    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.kind, event.data["communication_id"]) == (EventKind.COMMUNICATION, comm.pk)


def test_communication_with_unknown_outcome_names_the_field():
    assert list(input_errors(CommunicationInput, {**CALL, "outcome": "hung_up"})) == ["outcome"]


def test_update_changes_descriptive_fields(agent):
    case = make_case(actor=agent)

    case = case_update(case_id=case.pk, actor=agent, changes={"severity": "high"})

    assert case.severity == "high"


def test_update_records_changed_field_names_not_values(agent):
    case = make_case(actor=agent)

    case_update(case_id=case.pk, actor=agent, changes={}, complainant={"phone": "13912345678"})

    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.kind, event.data) == (EventKind.UPDATE, {"fields": ["complainant"]})


def test_update_naming_state_is_refused():
    assert list(input_errors(CaseUpdateSerializer, {"state": "closed"})) == ["state"]


def test_update_with_stale_version_is_a_conflict(agent):
    case = make_case(actor=agent)

    with pytest.raises(ConflictError):
        case_update(case_id=case.pk, actor=agent, changes={"severity": "high"}, version=case.version + 1)


def test_update_of_a_withdrawn_case_is_refused(agent):
    case = make_case(actor=agent)
    case_transition(case_id=case.pk, name="withdraw", actor=agent, payload={"reason": "撤诉"})

    with pytest.raises(TransitionNotAllowed):
        case_update(case_id=case.pk, actor=agent, changes={"severity": "high"})


def test_supervisor_reassigns_within_the_team(agent, supervisor, team_a):
    colleague = UserFactory(username="agent3", role="agent", teams=[team_a])
    case = make_case(actor=agent)

    case = case_reassign(case_id=case.pk, actor=supervisor, assignee_id=colleague.pk)

    assert case.assignee == colleague


def test_agent_may_not_reassign(agent):
    case = make_case(actor=agent)

    with pytest.raises(ActionNotPermitted):
        case_reassign(case_id=case.pk, actor=agent, assignee_id=agent.pk)


def test_reassignment_lands_on_the_timeline(agent, supervisor):
    case = make_case(actor=agent)

    case_reassign(case_id=case.pk, actor=supervisor, assignee_id=agent.pk)

    assert CaseEvent.objects.filter(case=case).latest("id").kind == EventKind.ASSIGNMENT


def test_timeline_record_adds_an_entry_for_other_modules(agent):
    case = make_case(actor=agent)

    event = case_event_record(case=case, kind=EventKind.ESCALATION, summary="升级至主管", data={"level": 2})

    assert (event.kind, event.actor, event.data) == (EventKind.ESCALATION, None, {"level": 2})
