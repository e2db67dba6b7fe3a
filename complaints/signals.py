"""Case events, sent after the writing transaction commits.

Receivers (webhooks, notifications, the contingency app) get `case_id` and `actor_id` plus
event-specific keyword arguments, and must not assume they run in the request.
"""

from django.dispatch import Signal

case_created = Signal()  # case_id, actor_id
case_transitioned = Signal()  # case_id, actor_id, transition, from_state, to_state
case_escalated = Signal()  # case_id, deadline_id, level, deadline_kind (the kind code, may be absent)
