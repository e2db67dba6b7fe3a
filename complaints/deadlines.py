"""Seam between the case lifecycle and its SLA deadlines.

`complaints.services` calls these inside its transaction. Which deadline runs when:

- created: `acknowledge` and `final_answer`, both counted from receipt (`received_at`); the
  case's policy terms are frozen on it (a policy applies to cases created after it is saved).
- acknowledge is met when the case leaves intake, or earlier by an outbound contact with the
  complainant that reached them or left a message.
- entering verify opens `verify` (from now); leaving verify meets it.
- `resolve` (the decision is made and told) meets `final_answer`.
- entering feedback opens `follow_up` (from now): the feedback and the revisit must both be done
  within the follow-up term; `close` meets it.
- `close` meets whatever is still open; `withdraw` cancels whatever is still open.
- `reopen` (back to communicate) cancels an open follow-up and opens a new `final_answer` from
  now with the case's final-answer term: the customer is owed a new decision.

Met and cancelled deadlines get `next_check_at = NULL`, so the sweep no longer sees them. The rows
are `timers.Deadline` rows on the case (`case.deadlines`).

Waiting for the customer (`complaints.services.pauses.case_pause`): the verify and final-answer clocks that
are not yet due stop (`paused_at`, `next_check_at = NULL`); the paused time does not count —
on resuming, `due_at` and `warn_at` move later by it. Any transition, an inbound contact from
the complainant, an extension or `case_resume` restarts them, so a forgotten pause cannot hold
a deadline forever past the case's next step.

A severity change (`on_severity_changed`) recomputes when the sweep next looks at the open
deadlines: a case raised to critical after its breach reaches the emergency group at once.
"""

from __future__ import annotations

from complaints import sla
from complaints.choices import CaseState, DeadlineKind, Direction, Outcome
from complaints.models import Communication, ComplaintCase
from complaints.services.pauses import case_deadlines_resume
from timers import services as timers
from timers.models import Deadline

# Contacts that count as acknowledging the complaint to the complainant.
ACKNOWLEDGING_OUTCOMES = {Outcome.REACHED, Outcome.LEFT_MESSAGE}


def before_case_insert(*, case: ComplaintCase) -> None:
    """Freeze the policy terms on the new case, so its insert carries them."""
    sla.case_sla_terms_freeze(case=case)


def on_case_created(*, case: ComplaintCase) -> list[Deadline]:
    """Open the deadlines a new case starts with; returns them."""
    return sla.case_sla_start(case=case)


def on_transition(*, case: ComplaintCase, name: str, from_state: str, to_state: str) -> None:
    """Meet the deadlines of the stage left and open those of the stage entered."""
    case_deadlines_resume(case=case)
    if to_state == CaseState.WITHDRAWN:
        timers.deadlines_cancel(subject=case)
        return
    if to_state == CaseState.CLOSED:
        timers.deadlines_meet(subject=case)
        return
    if from_state == CaseState.INTAKE:
        timers.deadlines_meet(subject=case, kinds=[DeadlineKind.ACKNOWLEDGE])
    if from_state == CaseState.VERIFY:
        timers.deadlines_meet(subject=case, kinds=[DeadlineKind.VERIFY])
    if name == "resolve":
        timers.deadlines_meet(subject=case, kinds=[DeadlineKind.FINAL_ANSWER])
    if name == "reopen":
        timers.deadlines_cancel(subject=case, kinds=[DeadlineKind.FOLLOW_UP])
        sla.case_deadline_open(case=case, kind=DeadlineKind.FINAL_ANSWER)
    if to_state == CaseState.VERIFY:
        sla.case_deadline_open(case=case, kind=DeadlineKind.VERIFY)
    if to_state == CaseState.FEEDBACK:
        sla.case_deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP)


def on_communication(*, case: ComplaintCase, communication: Communication) -> None:
    """A contact with the complainant was recorded (may meet an acknowledge deadline)."""
    if communication.direction == Direction.INBOUND:
        case_deadlines_resume(case=case, actor=communication.actor)
    if communication.direction == Direction.OUTBOUND and communication.outcome in ACKNOWLEDGING_OUTCOMES:
        timers.deadlines_meet(subject=case, kinds=[DeadlineKind.ACKNOWLEDGE])


def on_severity_changed(*, case: ComplaintCase) -> None:
    """The case's severity changed (saved): the ladder of its open deadlines moves with it."""
    timers.deadlines_recheck(subject=case)
