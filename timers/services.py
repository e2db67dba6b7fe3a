"""Every write to deadline rows: open, meet, cancel, pause, resume, recheck.

Call these inside the caller's transaction (the subject's service owns it). A subject is any
saved model instance; its type's handler (`timers.registry`) gives the ladder times that
`deadlines_resume` and `deadlines_recheck` use to set `next_check_at`, the same function the
sweep uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from timers import calendar, registry
from timers.choices import CalendarMode, DeadlineState
from timers.models import Deadline

OPEN_STATES = (DeadlineState.PENDING, DeadlineState.BREACHED)


@dataclass(frozen=True)
class DeadlineSpec:
    """One deadline to open with `deadlines_open`."""

    kind: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime


def _subject_q(subject: models.Model) -> dict[str, Any]:
    return {"content_type": ContentType.objects.get_for_model(subject), "object_id": subject.pk}


def deadlines_of(subject: models.Model) -> QuerySet[Deadline]:
    """Every deadline row of `subject` (any state)."""
    return Deadline.objects.filter(**_subject_q(subject))


def _open(subject: models.Model, kinds: Sequence[str] | None) -> QuerySet[Deadline]:
    qs = deadlines_of(subject).filter(state__in=OPEN_STATES, met_at__isnull=True)
    return qs.filter(kind__in=list(kinds)) if kinds is not None else qs


def deadline_open(
    *,
    subject: models.Model,
    kind: str,
    started_at: datetime,
    due_at: datetime,
    warn_at: datetime,
    replace: bool = True,
) -> Deadline:
    """Open a pending deadline of `kind` on `subject`, watched from `warn_at`.

    An open deadline of the same kind is cancelled first, so there is one at a time
    (`replace=False` skips that query for a subject that has none yet).
    """
    spec = DeadlineSpec(kind=kind, started_at=started_at, due_at=due_at, warn_at=warn_at)
    return deadlines_open(subject=subject, specs=[spec], replace=replace)[0]


def deadlines_open(
    *, subject: models.Model, specs: Sequence[DeadlineSpec], replace: bool = True
) -> list[Deadline]:
    """Open several deadlines of different kinds on one subject in one INSERT (see `deadline_open`)."""
    if replace:
        deadlines_cancel(subject=subject, kinds=[spec.kind for spec in specs])
    content_type = ContentType.objects.get_for_model(subject)
    return Deadline.objects.bulk_create(
        [
            Deadline(
                content_type=content_type,
                object_id=subject.pk,
                kind=spec.kind,
                started_at=spec.started_at,
                due_at=spec.due_at,
                warn_at=spec.warn_at,
                next_check_at=spec.warn_at,
            )
            for spec in specs
        ]
    )


def deadlines_meet(
    *, subject: models.Model, kinds: Sequence[str] | None = None, at: datetime | None = None
) -> int:
    """Mark the open deadlines of `kinds` (all if None) met; the sweep stops watching them."""
    return _open(subject, kinds).update(
        state=DeadlineState.MET, met_at=at or timezone.now(), next_check_at=None, paused_at=None
    )


def deadlines_cancel(*, subject: models.Model, kinds: Sequence[str] | None = None) -> int:
    """Cancel the open deadlines of `kinds` (all if None): nothing more fires for them."""
    return _open(subject, kinds).update(state=DeadlineState.CANCELLED, next_check_at=None, paused_at=None)


def deadlines_paused(*, subject: models.Model, kinds: Sequence[str] | None = None) -> bool:
    """Whether an open deadline of `kinds` (all if None) is paused (locks the open rows)."""
    return _open(subject, kinds).select_for_update().filter(paused_at__isnull=False).exists()


def deadlines_pause(*, subject: models.Model, kinds: Sequence[str], at: datetime) -> list[int]:
    """Stop the clocks of the open deadlines of `kinds` that are not yet due nor paused.

    The sweep ignores them (`next_check_at = NULL`) until `deadlines_resume`. Returns the ids
    of the rows paused (empty when none could be).
    """
    ids = list(
        _open(subject, kinds)
        .select_for_update()
        .filter(due_at__gt=at, breached=False, paused_at__isnull=True)
        .values_list("id", flat=True)
    )
    if ids:
        Deadline.objects.filter(pk__in=ids).update(paused_at=at, next_check_at=None)
    return ids


def deadlines_resume(
    *, subject: models.Model, at: datetime | None = None, mode: str = CalendarMode.CALENDAR
) -> timedelta | None:
    """Restart the subject's paused deadlines: the paused time does not count.

    Each paused row's `due_at` and `warn_at` move later by the time it was paused — elapsed
    time, or under `mode` working days the working time in the pause, counted in working days
    (a weekend pause moves nothing) — and the sweep watches it again from the handler's ladder.
    Returns the longest paused span (elapsed), or None when nothing was paused.
    """
    at = at or timezone.now()
    rows = list(_open(subject, None).select_for_update().filter(paused_at__isnull=False).order_by("id"))
    if not rows:
        return None
    longest = timedelta(0)
    for row in rows:
        assert row.paused_at is not None
        elapsed = max(at - row.paused_at, timedelta(0))
        longest = max(longest, elapsed)
        if mode == CalendarMode.WORKING_DAYS:
            working = calendar.working_time_between(row.paused_at, at)
            row.due_at = calendar.add_duration(row.due_at, working, mode) if working else row.due_at
            row.warn_at = calendar.add_duration(row.warn_at, working, mode) if working else row.warn_at
        else:
            row.due_at += elapsed
            row.warn_at += elapsed
        row.paused_at = None
    _set_next_checks(subject, rows)
    Deadline.objects.bulk_update(rows, ["due_at", "warn_at", "paused_at", "next_check_at"])
    return longest


def deadlines_recheck(*, subject: models.Model) -> int:
    """Recompute `next_check_at` of the subject's watched rows from its handler's ladder, after
    the subject changed what its ladder depends on (a case's severity). Returns the rows changed."""
    rows = list(
        _open(subject, None)
        .select_for_update()
        .filter(state=DeadlineState.PENDING, paused_at__isnull=True)
        .order_by("id")
    )
    before = {row.pk: row.next_check_at for row in rows}
    _set_next_checks(subject, rows)
    changed = [row for row in rows if row.next_check_at != before[row.pk]]
    Deadline.objects.bulk_update(changed, ["next_check_at"])
    return len(changed)


def deadline_next_check(row: Deadline, *, level: int | None = None) -> datetime | None:
    """When the sweep must look at `row` once `level` (default: its own) has fired."""
    handler = registry.handler_for_content_type(row.content_type_id)
    if handler is None:
        return None
    subject = handler.load([row.object_id]).get(row.object_id)
    times = handler.level_times(row, subject) if subject is not None else None
    return registry.next_check(times, row.escalation_level if level is None else level)


def _set_next_checks(subject: models.Model, rows: list[Deadline]) -> None:
    handler = registry.handler_for_label(subject._meta.label)
    loaded = handler.load([subject.pk]).get(subject.pk) if handler is not None and rows else None
    for row in rows:
        times = handler.level_times(row, loaded) if handler is not None and loaded is not None else None
        row.next_check_at = registry.next_check(times, row.escalation_level)
