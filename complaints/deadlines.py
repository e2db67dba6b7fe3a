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

Met and cancelled deadlines get `next_check_at = NULL`, so the sweep no longer sees them.

Waiting for the customer (`complaints.sla.case_pause`): the verify and final-answer clocks that
are not yet due stop (`paused_at`, `next_check_at = NULL`); the paused time does not count —
on resuming, `due_at` and `warn_at` move later by it. Any transition, an inbound contact from
the complainant, an extension or `case_resume` restarts them, so a forgotten pause cannot hold
a deadline forever past the case's next step.
"""

from __future__ import annotations

from complaints import sla
from complaints.choices import CaseState, DeadlineKind, Direction, Outcome

# Contacts that count as acknowledging the complaint to the complainant.
ACKNOWLEDGING_OUTCOMES = {Outcome.REACHED, Outcome.LEFT_MESSAGE}


def before_case_insert(*, case) -> None:
    """Freeze the policy terms on the new case, so its insert carries them."""
    sla.case_sla_terms_freeze(case=case)


def on_case_created(*, case) -> None:
    """Open the deadlines a new case starts with."""
    sla.case_sla_start(case=case)


def on_transition(*, case, name: str, from_state: str, to_state: str) -> None:
    """Meet the deadlines of the stage left and open those of the stage entered."""
    sla.deadlines_resume_recorded(case=case)
    if to_state == CaseState.WITHDRAWN:
        sla.deadline_cancel(case=case)
        return
    if to_state == CaseState.CLOSED:
        sla.deadline_meet(case=case)
        return
    if from_state == CaseState.INTAKE:
        sla.deadline_meet(case=case, kinds=[DeadlineKind.ACKNOWLEDGE])
    if from_state == CaseState.VERIFY:
        sla.deadline_meet(case=case, kinds=[DeadlineKind.VERIFY])
    if name == "resolve":
        sla.deadline_meet(case=case, kinds=[DeadlineKind.FINAL_ANSWER])
    if name == "reopen":
        sla.deadline_cancel(case=case, kinds=[DeadlineKind.FOLLOW_UP])
        sla.deadline_open(case=case, kind=DeadlineKind.FINAL_ANSWER)
    if to_state == CaseState.VERIFY:
        sla.deadline_open(case=case, kind=DeadlineKind.VERIFY)
    if to_state == CaseState.FEEDBACK:
        sla.deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP)


def on_communication(*, case, communication) -> None:
    """A contact with the complainant was recorded (may meet an acknowledge deadline)."""
    if communication.direction == Direction.INBOUND:
        sla.deadlines_resume_recorded(case=case, actor=communication.actor)
    if communication.direction == Direction.OUTBOUND and communication.outcome in ACKNOWLEDGING_OUTCOMES:
        sla.deadline_meet(case=case, kinds=[DeadlineKind.ACKNOWLEDGE])
