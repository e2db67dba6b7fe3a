"""Every write to the complaints domain, one module per aggregate, re-exported here.

- `cases`: create, edit, reassign;
- `transitions`: firing the state machine's transitions;
- `notes`: notes and communications with the complainant;
- `pii`: the logged reveal of personal data;
- `events`: the case timeline (`case_event_record` and its bulk form for the sweep);
- `extensions`, `pauses`: the final answer's extensions and the clocks paused for the customer;
- `policies`: SLA policies (their reads are in `complaints.selectors`).

Services take typed keyword arguments, own one transaction each, check business rules and
permissions, and send their side effects after commit. They raise `common.exceptions` errors
that name the API field at fault; the API maps them to HTTP (400/403/404/409).
"""

from complaints.services.cases import (
    Complainant,
    account_match_key,
    case_create,
    case_reassign,
    case_require,
    case_update,
    phone_match_key,
)
from complaints.services.events import EventRow, case_event_record, case_events_record_bulk
from complaints.services.notes import case_communication_add, case_note_add
from complaints.services.pii import case_pii_reveal
from complaints.services.transitions import (
    case_transition,
    case_transition_refusal,
    case_transition_spec,
    register_transition_check,
)
from complaints.transitions import TRANSITIONS

# isort: split
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
    "Complainant",
    "account_match_key",
    "EventRow",
    "case_communication_add",
    "case_create",
    "case_event_record",
    "case_events_record_bulk",
    "case_note_add",
    "case_pii_reveal",
    "case_reassign",
    "case_require",
    "case_transition",
    "case_transition_refusal",
    "case_transition_spec",
    "case_update",
    "phone_match_key",
    "register_transition_check",
]
