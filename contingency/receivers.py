"""Automatic activation: case events (sent after the case's transaction commits) run the trigger check.

Cost on intake for a case that matches nothing: one indexed count per volume trigger of its
category (the case's category, severity and flags come with `case_created`); the triggers
themselves come from the per-process cache (contingency.triggers).
"""

from __future__ import annotations

import logging
from functools import partial

from django.utils import timezone

from complaints.choices import OPEN_STATES
from contingency.choices import LinkReason
from contingency.models import ActivationCase
from contingency.services.activations import activation_open_or_join, activations_open_or_join
from contingency.triggers import ActiveTrigger, active_triggers

logger = logging.getLogger(__name__)

EMERGENCY_LEVEL = 3
SPIKE_LINK_LIMIT = 1000


def _already_linked_playbooks(case_id: int) -> set[int]:
    return set(ActivationCase.objects.filter(case_id=case_id).values_list("activation__playbook_id", flat=True))


def activation_check_case(*, case_id: int, facts: dict | None = None, is_new: bool = False) -> list[int]:
    """Open or join the activations whose active trigger the case matches; returns their ids.

    A case opens a playbook's activation once: after it was covered by one (even a closed one)
    its later transitions do not start that playbook again. `facts` (sent with `case_created`)
    spare the read of the case; a new case (`is_new`) is linked to nothing yet.
    """
    from complaints.selectors import case_count_received_since, case_ids_received_since, case_trigger_facts

    triggers = active_triggers()
    if not triggers:
        return []
    if facts is None:
        facts = case_trigger_facts(case_id=case_id)
    if facts is None or facts["state"] not in OPEN_STATES:
        return []
    category_id = facts["category_id"]
    candidates = [t for t in triggers if t.applies_to(category_id)]
    matched: list[tuple] = []
    now = timezone.now()
    for trigger in candidates:
        if trigger.matches_case(severity=facts["severity"], risk_flags=facts["risk_flags"]):
            matched.append((trigger, [case_id], LinkReason.TRIGGER))
        elif trigger.volume_count and trigger.volume_window:
            since = now - trigger.volume_window
            if facts["received_at"] < since:
                continue
            count = case_count_received_since(category_id=category_id, since=since, up_to=trigger.volume_count)
            if count >= trigger.volume_count:
                matched.append((trigger, None, LinkReason.VOLUME))
    if not matched:
        return []
    linked = set() if is_new else _already_linked_playbooks(case_id)
    opened = []
    for trigger, case_ids, reason in matched:
        if trigger.playbook_id in linked:
            continue
        window_cases = None
        if case_ids is None:
            # The spike: its opener links every case of the window; a joiner only itself.
            since = now - trigger.volume_window

            def window_cases(since=since):
                return case_ids_received_since(category_id=category_id, since=since, limit=SPIKE_LINK_LIMIT)

        activation, _created = activation_open_or_join(
            playbook_id=trigger.playbook_id,
            category_id=trigger.category_id or category_id,
            case_ids=[case_id],
            reason=reason,
            more_cases_on_open=window_cases,
            log_join=False,
        )
        if activation is not None:
            opened.append(activation.pk)
    return opened


def activation_check_new_cases(*, case_ids: list[int]) -> list[int]:
    """`activation_check_case` for many new cases at once (the bulk import): the same activations,
    with one read of the cases, one volume count per trigger and category, and one open-or-join
    per playbook and category for all its matching cases. New cases are linked to nothing yet."""
    from complaints.selectors import (
        case_count_received_since,
        case_ids_received_since,
        case_trigger_facts_many,
    )

    triggers = active_triggers()
    if not triggers:
        return []
    now = timezone.now()
    counts: dict[tuple[int, int], int] = {}
    matched: dict[tuple[int, int, str], list[int]] = {}  # (trigger, category, reason) → case ids
    for facts in case_trigger_facts_many(case_ids=case_ids):
        if facts["state"] not in OPEN_STATES:
            continue
        category_id = facts["category_id"]
        for index, trigger in enumerate(triggers):
            if not trigger.applies_to(category_id):
                continue
            if trigger.matches_case(severity=facts["severity"], risk_flags=facts["risk_flags"]):
                matched.setdefault((index, category_id, LinkReason.TRIGGER), []).append(facts["id"])
                continue
            if not (trigger.volume_count and trigger.volume_window) or facts["received_at"] < now - trigger.volume_window:
                continue
            if (index, category_id) not in counts:
                since = now - trigger.volume_window
                counts[index, category_id] = case_count_received_since(category_id=category_id, since=since)
            if counts[index, category_id] >= trigger.volume_count:
                matched.setdefault((index, category_id, LinkReason.VOLUME), []).append(facts["id"])
    opened = []
    for (index, category_id, reason), matching in matched.items():
        trigger = triggers[index]
        spike_since = now - trigger.volume_window if reason == LinkReason.VOLUME and trigger.volume_window else None
        activation, _created = activation_open_or_join(
            playbook_id=trigger.playbook_id,
            category_id=trigger.category_id or category_id,
            case_ids=matching,
            reason=reason,
            # The spike: its opener links every case of the window; a joiner only its own.
            more_cases_on_open=None if spike_since is None else partial(
                case_ids_received_since, category_id=category_id, since=spike_since, limit=SPIKE_LINK_LIMIT
            ),
        )
        if activation is not None:
            opened.append(activation.pk)
    return opened


def activation_for_escalation(*, case_id: int) -> int | None:
    """A case escalated to the emergency group opens or joins its category's playbook activation."""
    opened = activation_for_escalations(case_ids=[case_id])
    return opened[0] if opened else None


def _escalation_trigger(triggers: list[ActiveTrigger], category_id: int) -> ActiveTrigger | None:
    # The category's own playbook first; a category-wide one only if the category has none.
    ranked = [t for t in triggers if t.category_id == category_id] or [t for t in triggers if t.category_id is None]
    return min(ranked, key=lambda t: t.playbook_id) if ranked else None


def activation_for_escalations(*, case_ids: list[int]) -> list[int]:
    """`activation_for_escalation` for the cases of a sweep batch: one read of the cases, the open
    activations joined together (`activations_open_or_join`); returns the activation ids."""
    from complaints.selectors import case_trigger_facts_many

    triggers = active_triggers()
    if not triggers:
        return []
    groups: dict[tuple[int, int | None], list[int]] = {}
    for facts in case_trigger_facts_many(case_ids=list(dict.fromkeys(case_ids))):
        if facts["state"] not in OPEN_STATES:
            continue
        trigger = _escalation_trigger(triggers, facts["category_id"])
        if trigger is not None:
            key = (trigger.playbook_id, trigger.category_id or facts["category_id"])
            groups.setdefault(key, []).append(facts["id"])
    return [a.pk for a in activations_open_or_join(cases=groups, reason=LinkReason.ESCALATION)]


def on_case_created(sender, *, case_id: int, facts: dict | None = None, **kwargs) -> None:
    activation_check_case(case_id=case_id, facts=facts, is_new=True)


def on_cases_created(sender, *, case_ids: list[int], **kwargs) -> None:
    activation_check_new_cases(case_ids=case_ids)


def on_case_transitioned(sender, *, case_id: int, **kwargs) -> None:
    activation_check_case(case_id=case_id)


def on_case_escalated(sender, *, case_id: int, level: int, **kwargs) -> None:
    if int(level) >= EMERGENCY_LEVEL:
        activation_for_escalation(case_id=case_id)


def on_cases_escalated(sender, *, escalations: list[dict], **kwargs) -> None:
    case_ids = [e["case_id"] for e in escalations if int(e["level"]) >= EMERGENCY_LEVEL]
    if case_ids:
        activation_for_escalations(case_ids=case_ids)
