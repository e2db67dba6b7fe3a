"""The case transitions' table: who may fire each (the one place this is defined) and its timeline text.

The state machine itself (sources, targets, guards, fields set) is the model's
(`ComplaintCase`); services and selectors consult it only through django-fsm-2's public API
(`can_proceed`, `get_available_state_transitions`) and take the permission from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    permission: str
    summary: Callable[[], str]


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec("start_verification", "complaints.work_case", lambda: _("Verification started")),
        TransitionSpec("complete_verification", "complaints.work_case", lambda: _("Verification completed")),
        TransitionSpec("propose_resolution", "complaints.work_case", lambda: _("Resolution proposed")),
        TransitionSpec("resolve", "complaints.work_case", lambda: _("Resolved")),
        TransitionSpec("record_feedback", "complaints.work_case", lambda: _("Customer feedback recorded")),
        TransitionSpec("close", "complaints.work_case", lambda: _("Case closed")),
        TransitionSpec("reopen", "complaints.work_case", lambda: _("Case reopened")),
        TransitionSpec("withdraw", "complaints.withdraw_case", lambda: _("Complaint withdrawn")),
    )
}


def may_fire(*, user: Any, case: Any, name: str) -> bool:
    """Whether the user's role allows transition `name` on this case (whatever its state)."""
    spec = TRANSITIONS.get(name)
    return spec is not None and user.has_perm(spec.permission, case)
