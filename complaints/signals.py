"""Case events, sent after the writing transaction commits.

Receivers (webhooks, notifications, the contingency and conduct apps) get `case_id` and
`actor_id` plus event-specific keyword arguments, and must not assume they run in the request.
`cases_created` is the batch form of `case_created` (`case_ids`), `cases_escalated` the batch form of
`case_escalated` (`escalations`): a receiver of one hears the other.
`send_after_commit` is the one way the complaints services send them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# case_id, actor_id, facts (what `selectors.case_trigger_facts` would read, so that the trigger
# check on intake needs no second read of the new case)
case_created = Signal()
# case_ids, actor_id: many cases registered at once (the bulk import sends this one signal for its
# batch instead of one case_created per case, so every receiver of case_created connects to it too).
cases_created = Signal()
case_transitioned = Signal()  # case_id, actor_id, transition, from_state, to_state
case_escalated = Signal()  # case_id, actor_id (None), deadline_id, deadline_kind, level
# actor_id (None), escalations: the steps of one sweep batch, each a dict of case_escalated's
# case_id, deadline_id, deadline_kind and level (the sweep sends this one signal per batch).
cases_escalated = Signal()


def send_now(signal: Signal, **kwargs: Any) -> None:
    """Send a case signal; a failing receiver is logged, never raised at the caller."""
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "case signal receiver failed",
                extra={"receiver": getattr(receiver, "__qualname__", repr(receiver)), "case_id": kwargs.get("case_id")},
                exc_info=result,
            )


def send_after_commit(signal: Signal, **kwargs: Any) -> None:
    """Send a case signal once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(signal, **kwargs))
