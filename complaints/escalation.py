"""The escalation ladder of case deadlines: the timers sweep's handler for cases.

Ladder per deadline (`case_level_times`, the one place it is computed): warn the assignee at
`warn_at`, escalate to the team's supervisors at `due_at` (breach), to the emergency group
(users in the emergency roles) `emergency_after` later — at once for critical cases. A case
that is no longer open has no ladder: its deadlines stop being watched.

The generic sweep (`timers.sweep`) claims the due rows, records each step exactly once and
hands the new steps to `CaseDeadlineHandler.fire`, inside its batch transaction: the timeline
entry, the case's escalation level and breach flag, notifications, and
`complaints.signals.cases_escalated` (the batch form of `case_escalated`) after commit. Registered in `ComplaintsConfig.ready`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from complaints import signals
from complaints.choices import OPEN_STATES, DeadlineKind, EscalationLevel, EventKind, Severity
from complaints.models import ComplaintCase, SlaPolicy
from complaints.services.events import EventRow, case_events_record_bulk
from notifications.models import Channel
from notifications.services import Message, notify_bulk
from timers import services as timers
from timers.models import Deadline
from timers.registry import DeadlineRow, FiredStep
from timers.registry import register as register_handler

User = get_user_model()
Level = EscalationLevel

EVENT_KIND: dict[int, str] = {
    Level.WARN: EventKind.DEADLINE_WARNING,
    Level.SUPERVISOR: EventKind.DEADLINE_BREACH,
    Level.EMERGENCY: EventKind.ESCALATION,
}
CHANNELS: dict[int, tuple[str, ...]] = {
    Level.WARN: (Channel.INAPP, Channel.EMAIL),
    Level.SUPERVISOR: (Channel.INAPP, Channel.EMAIL),
    Level.EMERGENCY: (Channel.INAPP, Channel.EMAIL, Channel.SMS),
}
DEFAULT_EMERGENCY_AFTER: timedelta = SlaPolicy._meta.get_field("emergency_after").default
CASE_MODEL = "complaints.ComplaintCase"


@dataclass(slots=True)
class CaseSubject:
    """The case fields the ladder and its steps need (plain values: the sweep loads thousands)."""

    pk: int
    state: str
    severity: str
    category_id: int
    team_id: int
    assignee_id: int | None
    reference: str | None
    emergency_after: timedelta


SUBJECT_FIELDS = ("id", "state", "severity", "category_id", "team_id", "assignee_id", "reference", "sla_terms")


def case_level_times(deadline: DeadlineRow, case: CaseSubject) -> dict[int, datetime] | None:
    """When each rung of a case deadline's ladder fires; None once the case is no longer open."""
    if case.state not in OPEN_STATES:
        return None
    critical = case.severity == Severity.CRITICAL
    return {
        Level.WARN: deadline.warn_at,
        Level.SUPERVISOR: deadline.due_at,
        Level.EMERGENCY: deadline.due_at if critical else deadline.due_at + case.emergency_after,
    }


def next_check_after(deadline: Deadline, level: int) -> datetime | None:
    """When the sweep must look at a case deadline again once escalation `level` has fired.

    0 (nothing fired) → warn_at; warning → due_at; supervisor → due_at + emergency_after
    (at once for critical cases); emergency → None (the ladder is done).
    """
    return timers.deadline_next_check(deadline, level=level)


def cases_load(object_ids: Collection[int]) -> dict[int, CaseSubject]:
    """The cases of a sweep batch in one query (plus one for the policies if a case has no
    frozen terms)."""
    rows = ComplaintCase.objects.filter(pk__in=list(object_ids)).values_list(*SUBJECT_FIELDS)
    policies: dict[tuple[int, str], timedelta] | None = None
    subjects = {}
    for pk, state, severity, category_id, team_id, assignee_id, reference, terms in rows:
        # The case's frozen terms first (a policy applies to cases created after it), else today's
        # policy for its category and severity, else the category's normal one, else the default.
        seconds = (terms or {}).get("emergency_after")
        if isinstance(seconds, int | float):
            after = timedelta(seconds=seconds)
        else:
            if policies is None:
                policies = _emergency_after_by_policy()
            after = (
                policies.get((category_id, severity))
                or policies.get((category_id, Severity.NORMAL))
                or DEFAULT_EMERGENCY_AFTER
            )
        subjects[pk] = CaseSubject(pk, state, severity, category_id, team_id, assignee_id, reference, after)
    return subjects


def _emergency_after_by_policy() -> dict[tuple[int, str], timedelta]:
    return {
        (category_id, severity): after
        for category_id, severity, after in SlaPolicy.objects.values_list(
            "category_id", "severity", "emergency_after"
        )
    }


@dataclass
class CaseStep:
    """A fired step with its case and texts."""

    deadline: DeadlineRow
    case: CaseSubject
    level: int
    summary: str = ""
    title: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class CaseDeadlineHandler:
    """The timers handler of `complaints.ComplaintCase` deadlines."""

    def load(self, object_ids: Collection[int]) -> Mapping[int, CaseSubject]:
        return cases_load(object_ids)

    def level_times(self, row: DeadlineRow, subject: CaseSubject) -> dict[int, datetime] | None:
        return case_level_times(row, subject)

    def fire(self, steps: Sequence[FiredStep], subjects: Mapping[int, CaseSubject]) -> None:
        fired = [CaseStep(step.deadline, subjects[step.deadline.object_id], step.level) for step in steps]
        _describe(fired)
        _update_cases(fired)
        _record_timeline(fired)
        _notify(fired)
        transaction.on_commit(lambda: _send_signals(fired))


def register() -> None:
    register_handler(CASE_MODEL, CaseDeadlineHandler())


def _update_cases(fired: list[CaseStep]) -> None:
    """Raise each case's escalation level and breach flag; conditional, so never lowered."""
    top: dict[int, int] = {}
    for step in fired:
        top[step.case.pk] = max(top.get(step.case.pk, 0), step.level)
    # Lock the cases in id order so that sweeps touching the same cases cannot deadlock.
    list(
        ComplaintCase.objects.select_for_update()
        .filter(pk__in=list(top))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if connection.vendor == "postgresql":
        # One UPDATE writes each case row once (every row version costs all the case indexes).
        values = ", ".join(["(%s::bigint, %s::smallint, %s::boolean)"] * len(top))
        params: list[Any] = []
        for case_id, level in top.items():
            params += [case_id, level, level >= Level.SUPERVISOR]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ComplaintCase._meta.db_table} AS c "
                "SET escalation_level = GREATEST(c.escalation_level, v.level), "
                "is_breached = c.is_breached OR v.breached "
                f"FROM (VALUES {values}) AS v(id, level, breached) "
                "WHERE c.id = v.id AND (c.escalation_level < v.level OR (v.breached AND NOT c.is_breached))",
                params,
            )
        return
    by_level: dict[int, list[int]] = defaultdict(list)
    for case_id, level in top.items():
        by_level[level].append(case_id)
    for level, case_ids in by_level.items():
        ComplaintCase.objects.filter(pk__in=case_ids, escalation_level__lt=level).update(escalation_level=level)
    breached = [case_id for case_id, level in top.items() if level >= Level.SUPERVISOR]
    if breached:
        ComplaintCase.objects.filter(pk__in=breached, is_breached=False).update(is_breached=True)


def _describe(fired: list[CaseStep]) -> None:
    """Fill in each step's texts (in the default language: no request here) and data, once."""
    labels = {kind: str(label) for kind, label in DeadlineKind.choices}
    # Translated once per batch, not once per step (gettext is most of this loop's time).
    texts: dict[int, tuple[str, str]] = {
        Level.WARN: (
            _("%(kind)s deadline approaching (due %(due)s); the assignee was warned"),
            _("%(reference)s: %(kind)s deadline approaching"),
        ),
        Level.SUPERVISOR: (
            _("%(kind)s deadline breached (due %(due)s); escalated to the supervisor"),
            _("%(reference)s: %(kind)s deadline breached"),
        ),
        Level.EMERGENCY: (
            _("%(kind)s deadline breached (due %(due)s); escalated to the emergency group"),
            _("%(reference)s: escalated to the emergency group"),
        ),
    }
    dues: dict[datetime, str] = {}
    for step in fired:
        deadline = step.deadline
        due = dues.get(deadline.due_at)
        if due is None:
            due = dues[deadline.due_at] = timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")
        params = {
            "kind": labels.get(deadline.kind, deadline.kind),
            "due": due,
            "reference": step.case.reference or step.case.pk,
        }
        summary, title = texts.get(step.level, texts[Level.EMERGENCY])
        step.summary = summary % params
        step.title = title % params
        step.data = {
            "deadline_id": deadline.pk,
            "deadline_kind": deadline.kind,
            "level": step.level,
            "due_at": deadline.due_at.isoformat(),
        }


def _record_timeline(fired: list[CaseStep]) -> None:
    case_events_record_bulk(
        EventRow(case_id=step.case.pk, kind=EVENT_KIND[Level(step.level)], summary=step.summary, data=step.data or {})
        for step in fired
    )


def _notify(fired: list[CaseStep]) -> None:
    """Who hears of a step: warning → the assignee (the team's supervisors if none);
    breach → the team's supervisors and the assignee; emergency → the emergency group and the
    team's supervisors."""
    team_ids = {step.case.team_id for step in fired}
    supervisors: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in User.teams.through.objects.filter(
        team_id__in=team_ids, user__is_active=True, user__groups__name=Role.SUPERVISOR
    ).values_list("team_id", "user_id"):
        supervisors[team_id].append(user_id)
    emergency: list[int] = []
    if any(step.level == Level.EMERGENCY for step in fired):
        emergency = list(
            User.objects.filter(
                is_active=True, groups__name__in=[Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER]
            )
            .values_list("pk", flat=True)
            .distinct()
        )
    messages = []
    for step in fired:
        case = step.case
        team_supervisors = supervisors.get(case.team_id, [])
        assignee = [case.assignee_id] if case.assignee_id else []
        if step.level == Level.WARN:
            recipients = assignee or team_supervisors
        elif step.level == Level.SUPERVISOR:
            recipients = team_supervisors + assignee
        else:
            recipients = emergency + team_supervisors
        if recipients:
            messages.append(
                Message(
                    recipients=recipients,
                    kind=EVENT_KIND[Level(step.level)],
                    title=step.title,
                    body=step.summary,
                    case_id=case.pk,
                    channels=CHANNELS[Level(step.level)],
                    data=step.data,
                )
            )
    notify_bulk(messages)


def _send_signals(fired: list[CaseStep]) -> None:
    """One `cases_escalated` for the batch (its receivers work set-based, not step by step)."""
    signals.send_now(
        signals.cases_escalated,
        actor_id=None,
        escalations=[
            {
                "case_id": step.case.pk,
                "deadline_id": step.deadline.pk,
                "deadline_kind": step.deadline.kind,
                "level": int(step.level),
            }
            for step in fired
        ],
    )
