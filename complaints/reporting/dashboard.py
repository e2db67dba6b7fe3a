"""The supervisor dashboard's figures, one selector each, all scoped to the actor.

Aggregates count `*`, not `id`: the id is in none of the covering indexes, and counting it
would turn index-only scans into heap scans.

Each selector is one or two queries whatever the number of rows shown, on an index or on the
summary rows of complaints.reporting.summaries (README "Dashboard and report aggregates").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.roles import Role
from complaints.choices import OPEN_STATES, DeadlineKind, Severity
from complaints.models import (
    Category,
    FinalAnswerDaily,
    IntakeHourly,
    OpenBreach,
    OpenCaseCount,
    StageTimeDaily,
)
from complaints.reporting.sections import dashboard_panels_for
from complaints.reporting.sources import (
    cases_by_id,
    day_bounds,
    deadlines_at_risk,
    scoped_to_teams,
    team_scope,
    visible_cases,
)
from complaints.reporting.summaries import median_from_buckets

WINDOW_DAYS = 90
LIST_LIMIT = 20
# The at-risk and breached headings count up to this many and then say "1,000+": past it the
# figure calls for the same action, and counting every row joins each deadline to its case
# (~60 ms at a million cases with ~19,000 at risk; ~10 ms capped).
COUNT_CAP = 1000
TREND_DAYS = 7
STAGES = list(OPEN_STATES)


@dataclass(frozen=True)
class Tally:
    code: str
    label: str
    count: int


def open_groups(*, actor) -> list[dict]:
    """Open cases counted by state, category, severity and assignee, which feed both the
    breakdown and the workload counts: on PostgreSQL the trigger-kept OpenCaseCount rows (a few
    hundred), elsewhere one index-only scan of the open-case index."""
    if connection.vendor == "postgresql":
        return list(
            scoped_to_teams(OpenCaseCount.objects, actor)
            .values("state", "category_id", "severity", "assignee_id")
            .annotate(n=Sum("n"))
            .filter(n__gt=0)
            .order_by()
        )
    return list(
        visible_cases(actor)
        .filter(state__in=OPEN_STATES)
        .values("state", "category_id", "severity", "assignee_id")
        .annotate(n=Count("*"))
        .order_by()
    )


def open_breakdown(*, actor, groups: list[dict] | None = None) -> dict:
    """Open cases by state, category and severity (`groups`: open_groups, if already read)."""
    rows = open_groups(actor=actor) if groups is None else groups
    by_state: dict[str, int] = defaultdict(int)
    by_category: dict[int, int] = defaultdict(int)
    by_severity: dict[str, int] = defaultdict(int)
    for row in rows:
        by_state[row["state"]] += row["n"]
        by_category[row["category_id"]] += row["n"]
        by_severity[row["severity"]] += row["n"]
    categories = Category.objects.order_by("sort_order", "code")
    return {
        "total": sum(by_state.values()),
        "by_state": [Tally(s.value, s.label, by_state.get(s.value, 0)) for s in STAGES],
        "by_category": [
            Tally(c.code, c.name, by_category[c.pk]) for c in categories if by_category.get(c.pk) or c.is_active
        ],
        "by_severity": [Tally(s.value, s.label, by_severity.get(s.value, 0)) for s in reversed(Severity)],
    }


def capped_count(queryset) -> dict:
    """`count` up to COUNT_CAP; `more` when there are more (the page shows "1,000+")."""
    cap = COUNT_CAP
    n = queryset.order_by()[: cap + 1].count()
    return {"count": min(n, cap), "more": n > cap}


def at_risk(*, actor, now: datetime | None = None, limit: int = LIST_LIMIT) -> dict:
    """Running deadlines past their warning time, not yet due: the count and the soonest due."""
    now = now or timezone.now()
    deadlines = deadlines_at_risk(actor, now=now)
    rows = list(deadlines.order_by("due_at", "id")[:limit])
    # Deadlines reach their case through a generic relation: one query for the rows' cases.
    cases = cases_by_id({row.object_id for row in rows})
    kinds = dict(DeadlineKind.choices)
    shown = [
        {"deadline": row, "case": cases[row.object_id], "kind": kinds.get(row.kind, row.kind)}
        for row in rows
        if row.object_id in cases
    ]
    return {**capped_count(deadlines), "rows": shown}


def breached(*, actor, limit: int = LIST_LIMIT) -> dict:
    """Open cases with a breached deadline, newest received first: on PostgreSQL from the
    trigger-kept OpenBreach rows (the flag is in no case index, see the model), elsewhere from
    the cases."""
    if connection.vendor != "postgresql":
        cases = visible_cases(actor).filter(is_breached=True, state__in=OPEN_STATES)
        rows = list(
            cases.select_related("assignee", "team", "category").order_by("-received_at", "-id")[:limit]
        )
        return {**capped_count(cases), "rows": rows}
    breaches = scoped_to_teams(OpenBreach.objects, actor)
    newest = breaches.order_by("-received_at", "-case_id").values("case_id")[:limit]
    rows = list(
        visible_cases(actor).filter(pk__in=newest)
        .select_related("assignee", "team", "category").order_by("-received_at", "-id")
    )
    return {**capped_count(breaches), "rows": rows}


def stage_medians(*, actor, today: date | None = None) -> list[dict]:
    """Median time spent in each stage, over the stage exits of the last 90 days (summary rows)."""
    today = today or timezone.localdate()
    rows = (
        scoped_to_teams(StageTimeDaily.objects, actor)
        .filter(day__gt=today - timedelta(days=WINDOW_DAYS), day__lte=today)
        .values("stage", "bucket")
        .annotate(n=Sum("exits"))
        .order_by()
    )
    buckets: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        buckets[row["stage"]][row["bucket"]] = row["n"]
    result = []
    for stage in STAGES:
        counts = buckets.get(stage.value, {})
        result.append(
            {
                "code": stage.value,
                "label": stage.label,
                "median_seconds": median_from_buckets(counts),
                "exits": sum(counts.values()),
            }
        )
    return result


def satisfaction_and_reopen(*, actor, now: datetime | None = None) -> dict:
    """Over the cases resolved in the last 90 days: mean satisfaction (1–5) and the share reopened."""
    now = now or timezone.now()
    figures = (
        visible_cases(actor)
        .filter(resolved_at__gte=now - timedelta(days=WINDOW_DAYS), resolved_at__isnull=False)
        .aggregate(
            resolved=Count("*"),
            rated=Count("satisfaction"),
            satisfaction=Avg("satisfaction"),
            reopened=Count("reopen_count", filter=Q(reopen_count__gt=0)),
        )
    )
    resolved = figures["resolved"]
    return {
        "resolved": resolved,
        "rated": figures["rated"],
        "satisfaction": figures["satisfaction"],
        "reopened": figures["reopened"],
        "reopen_rate": figures["reopened"] / resolved if resolved else None,
    }


def daily_intake(*, actor, today: date | None = None) -> list[dict]:
    """Complaints received per local day over the last 90 days, with a 7-day moving average.
    On PostgreSQL from the trigger-kept hourly summary (exact; local days must start on a UTC
    hour, true of every whole-hour offset such as Asia/Shanghai); elsewhere from the cases."""
    today = today or timezone.localdate()
    first = today - timedelta(days=WINDOW_DAYS - 1)
    start, end = day_bounds(first, today)
    tz = timezone.get_current_timezone()
    if connection.vendor == "postgresql":
        rows = (
            scoped_to_teams(IntakeHourly.objects, actor)
            .filter(hour__gte=start, hour__lt=end)
            .annotate(day=TruncDate("hour", tzinfo=tz))
            .values("day")
            .annotate(n=Sum("received"))
        )
    else:
        rows = (
            visible_cases(actor)
            .filter(received_at__gte=start, received_at__lt=end)
            .annotate(day=TruncDate("received_at", tzinfo=tz))
            .values("day")
            .annotate(n=Count("*"))
        )
    counts = dict(rows.order_by().values_list("day", "n"))
    series = []
    window: list[int] = []
    for offset in range(WINDOW_DAYS):
        day = first + timedelta(days=offset)
        n = counts.get(day, 0)
        window = [*window[-(TREND_DAYS - 1):], n]
        series.append({"day": day, "count": n, "trend": round(sum(window) / len(window), 2)})
    return series


def workload(*, actor, groups: list[dict] | None = None) -> list[dict]:
    """Open cases per agent of the actor's teams (every agent for auditors and admins), with each
    agent's longest-waiting open case, which the row's reassignment form moves (`groups`:
    open_groups, if already read)."""
    User = get_user_model()
    teams = team_scope(actor)
    agents = User.objects.filter(is_active=True, groups__name=Role.AGENT)
    if teams is not None:
        agents = agents.filter(teams__in=teams)
    visible_open = visible_cases(actor).filter(state__in=OPEN_STATES)
    oldest = visible_open.filter(assignee_id=OuterRef("pk")).order_by("received_at", "id")
    rows = (
        agents.distinct()
        .annotate(
            oldest_case_id=Subquery(oldest.values("id")[:1]),
            oldest_case_reference=Subquery(oldest.values("reference")[:1]),
            oldest_case_team_id=Subquery(oldest.values("team_id")[:1]),
        )
        .prefetch_related("teams")
        .order_by("username")
    )
    counts: dict[int, int] = defaultdict(int)
    for group in open_groups(actor=actor) if groups is None else groups:
        counts[group["assignee_id"]] += group["n"]
    return [
        {
            "user": agent,
            "open": counts.get(agent.pk, 0),
            "oldest_case_id": agent.oldest_case_id,
            "oldest_case_reference": agent.oldest_case_reference,
            "oldest_case_team_id": agent.oldest_case_team_id,
            # A case goes only to an agent of its own team: the reassignment forms offer those.
            "team_ids": {team.pk for team in agent.teams.all()},
        }
        for agent in rows
    ]


def on_time(*, actor, today: date | None = None) -> dict:
    """Share of final answers of the last 90 days given before they were due (15 days; 30 after
    the first extension; 60 after the second) — the deadline's own due time, extensions included."""
    today = today or timezone.localdate()
    figures = (
        scoped_to_teams(FinalAnswerDaily.objects, actor)
        .filter(day__gt=today - timedelta(days=WINDOW_DAYS), day__lte=today)
        .aggregate(answered=Sum("answered"), on_time=Sum("on_time"))
    )
    answered = figures["answered"] or 0
    in_time = figures["on_time"] or 0
    return {"answered": answered, "on_time": in_time, "rate": in_time / answered if answered else None}


def dashboard_for(*, actor, now: datetime | None = None) -> dict:
    """Everything the dashboard page shows, with the panels other apps registered
    (complaints.reporting.sections)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    groups = open_groups(actor=actor)
    return {
        "open": open_breakdown(actor=actor, groups=groups),
        "at_risk": at_risk(actor=actor, now=now),
        "breached": breached(actor=actor),
        "stages": stage_medians(actor=actor, today=today),
        "outcomes": satisfaction_and_reopen(actor=actor, now=now),
        "daily": daily_intake(actor=actor, today=today),
        "workload": workload(actor=actor, groups=groups),
        "on_time": on_time(actor=actor, today=today),
        "panels": dashboard_panels_for(actor=actor, now=now),
    }
