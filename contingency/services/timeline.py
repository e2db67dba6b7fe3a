"""What every activation write leaves behind: an entry on its shared timeline, and the webhook
event integrators subscribe to."""

from __future__ import annotations

from contingency import selectors
from contingency.models import Activation, ActivationEvent


def event_record(
    activation: Activation, *, kind: str, actor=None, summary: str = "", body: str = "", data: dict | None = None
) -> ActivationEvent:
    """Add an entry to the activation's shared timeline (inside the caller's transaction)."""
    member = selectors.group_member_of(actor) if actor is not None else None
    return ActivationEvent.objects.create(
        activation=activation, kind=kind, actor=actor, department=member.department if member else "",
        summary=str(summary)[:500], body=body, data=data or {},
    )


def activation_publish(activation: Activation, type_: str, **extra) -> None:
    """Record a webhook event about a real activation inside the caller's transaction (its
    deliveries go out after commit); drills send none."""
    if activation.is_drill:
        return  # drills have no effect outside the product
    from webhooks.services import event_publish

    def data() -> dict:
        # Ids and codes only: no personal data.
        return {
            "activation_id": activation.pk,
            "playbook_id": activation.playbook_id,
            "playbook_version": activation.playbook_version.number,
            "category": activation.category.code if activation.category_id else None,
            "state": activation.state,
            "trigger": activation.trigger,
            "case_ids": list(activation.case_links.order_by("id").values_list("case_id", flat=True)),
            **extra,
        }

    event_publish(type=type_, data=data)
