"""Every write of the contingency app: one module per aggregate, an activation's in two (opening
and joining; the response after it), and the timeline and webhook helpers they share."""

from contingency.services.activations import (
    activation_create_manual,
    activation_open_or_join,
    activations_open_or_join,
)
from contingency.services.drills import drill_schedule, drill_start, drills_start_due
from contingency.services.group import training_record_create
from contingency.services.playbooks import (
    playbook_create,
    playbook_update,
    playbook_version_activate,
    playbook_version_propose,
    playbook_version_update,
)
from contingency.services.response import (
    activation_comment_add,
    activation_task_complete,
    activation_transition,
    task_overdue_escalate,
)

__all__ = [
    "activation_comment_add",
    "activation_create_manual",
    "activation_open_or_join",
    "activations_open_or_join",
    "activation_task_complete",
    "activation_transition",
    "drill_schedule",
    "drill_start",
    "drills_start_due",
    "playbook_create",
    "playbook_update",
    "playbook_version_activate",
    "playbook_version_propose",
    "playbook_version_update",
    "task_overdue_escalate",
    "training_record_create",
]
