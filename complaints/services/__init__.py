"""Every write to the complaints domain, one module per aggregate, re-exported here.

- `cases`: create, edit, reassign, transitions, notes, communications, personal-data reveal;
- `events`: the case timeline (`case_event_record` and its bulk form for the sweep);
- `extensions`, `pauses`: the final answer's extensions and the clocks paused for the customer;
- `policies`: SLA policies (their reads are in `complaints.selectors`).

Services take typed keyword arguments, own one transaction each, check business rules and
permissions, and send their side effects after commit. They raise `common.exceptions` errors
that name the API field at fault; the API maps them to HTTP (400/403/404/409).
"""

from complaints.services.cases import (
    TRANSITIONS,
    case_communication_add,
    case_create,
    case_note_add,
    case_pii_reveal,
    case_reassign,
    case_transition,
    case_update,
    register_transition_check,
)
from complaints.services.events import EventRow, case_event_record, case_events_record_bulk

# -- SLA: extensions, pauses, policies (re-exported by the explicit `as` form) --
from complaints.services.extensions import case_extend as case_extend
from complaints.services.extensions import extension_notice_record as extension_notice_record
from complaints.services.pauses import case_deadlines_resume as case_deadlines_resume
from complaints.services.pauses import case_pause as case_pause
from complaints.services.pauses import case_resume as case_resume
from complaints.services.policies import sla_policy_create as sla_policy_create
from complaints.services.policies import sla_policy_update as sla_policy_update

# -- end SLA --

__all__ = [
    "TRANSITIONS",
    "EventRow",
    "case_communication_add",
    "case_create",
    "case_event_record",
    "case_events_record_bulk",
    "case_note_add",
    "case_pii_reveal",
    "case_reassign",
    "case_transition",
    "case_update",
    "register_transition_check",
]
