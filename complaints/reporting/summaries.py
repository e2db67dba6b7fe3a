"""Per-day summary rows for the figures that would otherwise scan a million rows per request.

- `StageTimeDaily`: how long each stage lasted, per day the case left it, as counts in
  log-scale buckets (BASE = 1.05, so a bucket is 5 % wide). The median over any days and
  teams is read from a few hundred rows; it is exact to within half a bucket (±2.5 %).
- `FinalAnswerDaily`: final answers given per day, and how many before they were due.

- `IntakeHourly` and `OpenCaseCount` are not rebuilt: PostgreSQL triggers append signed counts
  as cases are written; `counters_compact` (same beat task) merges the rows of each key into one.

StageTimeDaily and FinalAnswerDaily derive from rows that do not change once written (timeline entries, met deadlines), so a
day rebuilt twice gives the same rows, and a finished day's rows never go stale. Beat rebuilds
yesterday and today every few minutes (`refresh_report_summaries`); `manage.py
refresh_reports --days N` rebuilds a longer stretch (after a restore, or on first install).
"""

from __future__ import annotations

import bisect
import logging
import math
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.choices import EventKind
from complaints.models import CaseEvent, FinalAnswerDaily, StageTimeDaily
from complaints.reporting.sources import day_bounds, final_answers_met

logger = logging.getLogger(__name__)

BASE = 1.05
_LOG_BASE = math.log(BASE)
# Withdrawal ends a case, not a stage of its handling: it would drag every stage's median down.
EXCLUDED_TRANSITIONS = ("withdraw",)
_LOCK_KEY = 0x5E0A7  # pg_advisory_xact_lock key: one rebuild at a time
_CHUNK = 1000


def bucket_of(seconds: float) -> int:
    return math.floor(math.log(max(seconds, 1.0)) / _LOG_BASE)


def bucket_bounds(bucket: int) -> tuple[float, float]:
    return BASE**bucket, BASE ** (bucket + 1)


def median_from_buckets(counts: dict[int, int]) -> float | None:
    """The median (percentile_cont(0.5) convention) of durations given as bucket counts."""
    total = sum(counts.values())
    if not total:
        return None
    target = (total - 1) / 2  # 0-based position of the median among the sorted durations
    seen = 0
    for bucket in sorted(counts):
        size = counts[bucket]
        if seen + size > target:
            # Spread the bucket's values evenly (geometrically) over its width.
            fraction = (target - seen + 0.5) / size
            low, high = bucket_bounds(bucket)
            return low * (high / low) ** fraction
        seen += size
    return None  # pragma: no cover - target < total always lands in a bucket


def summaries_refresh(*, first_day: date, last_day: date) -> dict[str, int]:
    """Rebuild the summary rows of the local days `first_day`..`last_day` in one transaction."""
    start, end = day_bounds(first_day, last_day)
    stage_rows = _stage_rows(start, end)
    answer_rows = _final_answer_rows(start, end)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        StageTimeDaily.objects.filter(day__gte=first_day, day__lte=last_day).delete()
        FinalAnswerDaily.objects.filter(day__gte=first_day, day__lte=last_day).delete()
        StageTimeDaily.objects.bulk_create(stage_rows, batch_size=2000)
        FinalAnswerDaily.objects.bulk_create(answer_rows, batch_size=2000)
    logger.info(
        "report summaries rebuilt",
        extra={"first_day": str(first_day), "last_day": str(last_day), "stage_rows": len(stage_rows)},
    )
    return {"stage_rows": len(stage_rows), "final_answer_rows": len(answer_rows)}


COUNTERS = {
    "complaints_intakehourly": ("hour", "team_id"),
    "complaints_opencasecount": ("team_id", "state", "category_id", "severity", "assignee_id"),
}
COUNT_COLUMN = {"complaints_intakehourly": "received", "complaints_opencasecount": "n"}


def counters_compact() -> int:
    """Merge the appended rows of each key of IntakeHourly and OpenCaseCount into one; returns
    the merged rows written. One statement per table: rows appended meanwhile lie outside its
    snapshot and stay for the next run."""
    if connection.vendor != "postgresql":
        return 0
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # One merge at a time: two DELETEs taking the same rows in different orders could deadlock.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY + 1])
        for table, key in COUNTERS.items():
            columns, n = ", ".join(key), COUNT_COLUMN[table]
            # IS NOT DISTINCT FROM: a null assignee is a key value like any other.
            match = " AND ".join(f"t.{c} IS NOT DISTINCT FROM d.{c}" for c in key)
            cursor.execute(
                f"WITH merged AS (DELETE FROM {table} t USING ("
                f" SELECT {columns} FROM {table} GROUP BY {columns} HAVING count(*) > 1) AS d"
                f" WHERE {match} RETURNING {', '.join(f't.{c}' for c in key)}, t.{n})"
                f" INSERT INTO {table} ({columns}, {n})"
                f" SELECT {columns}, sum({n}) FROM merged GROUP BY {columns} HAVING sum({n}) <> 0"
            )
            written += cursor.rowcount
    return written


def summaries_refresh_recent(*, days: int = 2) -> dict[str, int]:
    today = timezone.localdate()
    return summaries_refresh(first_day=today - timedelta(days=days - 1), last_day=today)


def _stage_rows(start, end) -> list[StageTimeDaily]:
    """One row per (day, team, stage, bucket): transitions in [start, end) and the time since
    the entry (creation or transition) that began the stage they leave."""
    exits = list(
        CaseEvent.objects.filter(kind=EventKind.TRANSITION, at__gte=start, at__lt=end)
        .exclude(transition__in=EXCLUDED_TRANSITIONS)
        .values_list("id", "case_id", "from_state", "at", "case__team_id")
        .order_by()
    )
    counts: Counter = Counter()
    case_ids = sorted({row[1] for row in exits})
    for i in range(0, len(case_ids), _CHUNK):
        chunk = case_ids[i : i + _CHUNK]
        entries: dict[int, list[tuple[int, object]]] = defaultdict(list)
        for case_id, event_id, at in (
            CaseEvent.objects.filter(
                case_id__in=chunk, kind__in=[EventKind.CREATED, EventKind.TRANSITION], at__lt=end
            )
            .order_by("case_id", "id")
            .values_list("case_id", "id", "at")
        ):
            entries[case_id].append((event_id, at))
        chunk_set = set(chunk)
        for event_id, case_id, stage, at, team_id in exits:
            if case_id not in chunk_set:
                continue
            history = entries[case_id]
            position = bisect.bisect_left(history, (event_id,)) - 1
            if position < 0:
                continue  # no entry recorded before it (data from before the timeline)
            seconds = (at - history[position][1]).total_seconds()
            counts[(timezone.localdate(at), team_id, stage, bucket_of(seconds))] += 1
    return [
        StageTimeDaily(day=day, team_id=team_id, stage=stage, bucket=bucket, exits=n)
        for (day, team_id, stage, bucket), n in counts.items()
    ]


def _final_answer_rows(start, end) -> list[FinalAnswerDaily]:
    rows = (
        final_answers_met(start, end)
        .annotate(day=TruncDate("met_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "case__team_id", "case__category_id")
        .annotate(answered=Count("id"), on_time=Count("id", filter=Q(met_at__lte=F("due_at"))))
        .order_by()
    )
    return [
        FinalAnswerDaily(
            day=row["day"],
            team_id=row["case__team_id"],
            category_id=row["case__category_id"],
            answered=row["answered"],
            on_time=row["on_time"],
        )
        for row in rows
    ]
