"""Where the reports read cases and deadlines, scoped to the actor.

Deadlines live in the timers app on any subject; the reports read a case's through the case's
generic relation (`case__…` lookups), and only here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import Role
from complaints.choices import OPEN_STATES, DeadlineKind
from complaints.models import ComplaintCase
from complaints.selectors import case_visible_q
from timers.choices import DeadlineState
from timers.models import Deadline


def visible_cases(actor) -> QuerySet[ComplaintCase]:
    """Every case the actor may see, without the list's joins and prefetches."""
    return ComplaintCase.objects.filter(case_visible_q(actor))


def team_scope(actor) -> list[int] | None:
    """Teams whose summary rows the actor may read; None for every team (auditor, admin)."""
    if actor.is_superuser or actor.has_role(Role.AUDITOR):
        return None
    return list(actor.team_ids)


def scoped_to_teams(queryset: QuerySet, actor, field: str = "team_id") -> QuerySet:
    teams = team_scope(actor)
    return queryset if teams is None else queryset.filter(**{f"{field}__in": teams})


def prefixed(q: Q, prefix: str) -> Q:
    """The same filter on a related model: Q(team_id__in=...) → Q(case__team_id__in=...)."""
    copy = Q()
    copy.connector, copy.negated = q.connector, q.negated
    copy.children = [
        prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]) for child in q.children
    ]
    return copy


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the local time zone."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def deadlines_at_risk(actor, *, now: datetime) -> QuerySet[Deadline]:
    """Running deadlines past their warning time but not yet due, of open cases the actor sees."""
    return case_deadlines().filter(
        prefixed(case_visible_q(actor), "case__"),
        state=DeadlineState.PENDING,
        paused_at__isnull=True,
        warn_at__lte=now,
        due_at__gt=now,
        case__state__in=OPEN_STATES,
    )


def case_deadlines() -> QuerySet[Deadline]:
    """Deadlines whose subject is a case (the timers app also runs other subjects' clocks)."""
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(ComplaintCase))


def final_answers_met(start: datetime, end: datetime) -> QuerySet[Deadline]:
    """Final-answer deadlines met in [start, end), every team (for the summary rebuild)."""
    return case_deadlines().filter(
        kind=DeadlineKind.FINAL_ANSWER, state=DeadlineState.MET, met_at__gte=start, met_at__lt=end
    )


def cases_by_id(ids) -> dict[int, ComplaintCase]:
    """The cases of `ids` with what a dashboard row shows, in one query."""
    return ComplaintCase.objects.select_related("assignee", "team", "category").in_bulk(list(ids))
