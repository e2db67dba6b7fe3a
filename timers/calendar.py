"""Business calendar: working days that know Chinese public holidays and make-up days (调休).

The database is the calendar: a `CalendarYear` row says a year's schedule is loaded, and its
`CalendarDay` rows are the days that differ from Monday–Friday (holidays, make-up working days).
`load_calendar` seeds them from the `chinese-calendar` package without overwriting rows an admin
edited, so admin rows override the package; admins add later years by hand once the State
Council publishes them.

A year with no `CalendarYear` row counts Monday–Friday as working days (plus any day rows an
admin already entered) and logs a warning; `calendar_missing_years()` feeds the dashboard's
warning. A deadline computation never fails for lack of calendar data.

Each year is loaded into process memory once and kept for `CACHE_SECONDS`; an edit clears the
cache of the process that made it at once, other processes pick it up within that time.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from timers.choices import CalendarMode
from timers.models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300
# A working-day count never walks further than this; it bounds a loop over bad admin data
# (e.g. a year marked all holidays) instead of spinning forever.
MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class _Year:
    known: bool
    overrides: dict[date, bool]
    loaded_at: float


_cache: dict[int, _Year] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every loaded year (after an admin edit, and between tests)."""
    with _lock:
        _cache.clear()


def _year(year: int) -> _Year:
    entry = _cache.get(year)
    if entry is not None and time.monotonic() - entry.loaded_at < CACHE_SECONDS:
        return entry
    known = CalendarYear.objects.filter(year=year).exists()
    overrides = dict(
        CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
    )
    if not known:
        logger.warning(
            "business calendar has no holiday schedule for this year; counting Monday-Friday",
            extra={"year": year},
        )
    entry = _Year(known=known, overrides=overrides, loaded_at=time.monotonic())
    with _lock:
        _cache[year] = entry
    return entry


def is_working_day(day: date) -> bool:
    """True on a working day: Monday–Friday unless a holiday, or a make-up weekend day."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    override = _year(day.year).overrides.get(day)
    if override is not None:
        return override
    return day.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself not counted); n=0 gives `start`.

    A negative n counts backwards the same way.
    """
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    scanned = 0
    while remaining:
        day += timedelta(days=step)
        scanned += 1
        if is_working_day(day):
            remaining -= 1
        elif scanned > MAX_SCAN_DAYS:
            logger.error("business calendar has no working day in ten years", extra={"start": str(start)})
            return day
    return day


def next_working_day(day: date) -> date:
    """`day` if it is a working day, else the first working day after it."""
    return day if is_working_day(day) else add_working_days(day, 1)


def add_duration(start: datetime, duration: timedelta, mode: str) -> datetime:
    """`start` plus `duration` in calendar time or in working days.

    Working days: the whole days of `duration` are counted as working days after the start's
    local date, keeping the time of day; a remainder below a day is then added as clock time,
    and a result on a non-working day moves to the next working day at the same time.
    So 5 working days from Friday 10:00 is the fifth working day after it, at 10:00.
    """
    if abs(duration) > timedelta(days=MAX_SCAN_DAYS):
        # Absurd admin input must not overflow the date range or scan for minutes.
        logger.warning("duration clamped to ten years", extra={"days": duration.days})
        duration = timedelta(days=MAX_SCAN_DAYS if duration > timedelta(0) else -MAX_SCAN_DAYS)
    if mode != CalendarMode.WORKING_DAYS:
        return start + duration
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    whole_days = duration.days
    remainder = duration - timedelta(days=whole_days)
    day = add_working_days(local.date(), whole_days)
    result = datetime.combine(day, local.time().replace(tzinfo=None)) + remainder
    if not is_working_day(result.date()):
        result = datetime.combine(next_working_day(result.date()), result.time())
    if timezone.is_aware(start):
        result = timezone.make_aware(result, timezone.get_current_timezone())
    return result


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """The part of [start, end) that falls on working days (local dates, whole days of 24 h).

    What a paused clock under a working-day policy was stopped for: a weekend counts nothing,
    Friday 10:00 to Monday 10:00 counts one day.
    """
    if end <= start:
        return timedelta(0)
    if (end - start).days > MAX_SCAN_DAYS:
        start = end - timedelta(days=MAX_SCAN_DAYS)
    aware = timezone.is_aware(start)
    local_start = timezone.localtime(start) if aware else start
    local_end = timezone.localtime(end) if aware else end
    total = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if is_working_day(day):
            day_start = datetime.combine(day, datetime.min.time())
            day_end = day_start + timedelta(days=1)
            if aware:
                day_start = timezone.make_aware(day_start, local_start.tzinfo)
                day_end = timezone.make_aware(day_end, local_start.tzinfo)
            overlap = min(day_end, local_end) - max(day_start, local_start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def calendar_missing_years(*, years: list[int] | None = None) -> list[int]:
    """Years without a loaded holiday schedule, for the dashboard warning.

    Defaults to this year and next year: deadlines fall in them.
    """
    if years is None:
        this_year = timezone.localdate().year
        years = [this_year, this_year + 1]
    loaded = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return sorted(y for y in years if y not in loaded)


def load_years_from_package(
    *,
    calendar_day_model: Any,
    calendar_year_model: Any,
    years: list[int] | None = None,
    overwrite: bool = False,
) -> list[int]:
    """Seed `CalendarDay`/`CalendarYear` rows from `chinese-calendar` for the years it covers.

    Takes the models as arguments so that a data migration can pass its historical ones.
    Existing day rows are kept unless `overwrite` (admin edits win). Returns the years loaded.
    Only new and changed days are written. With the real models (`manage.py load_calendar`) each
    is saved one by one, so that it has its history and its row in the auditors' feed like an
    admin edit; a migration's models keep no history and get one INSERT a year.
    """
    from chinese_calendar import constants

    by_year: dict[int, dict[date, tuple[bool, str]]] = {}
    for day, name in constants.holidays.items():
        by_year.setdefault(day.year, {})[day] = (False, str(name))
    for day, name in constants.workdays.items():
        by_year.setdefault(day.year, {})[day] = (True, str(name))
    wanted = sorted(by_year) if years is None else [y for y in sorted(set(years)) if y in by_year]
    keeps_history = hasattr(calendar_day_model, "history")
    for year in wanted:
        current = {row.date: row for row in calendar_day_model.objects.filter(date__year=year)}
        new_days, changed = [], []
        for day, (working, name) in sorted(by_year[year].items()):
            row = current.get(day)
            if row is None:
                new_days.append(calendar_day_model(date=day, is_working_day=working, name=name))
            elif overwrite and (row.is_working_day, row.name) != (working, name):
                row.is_working_day, row.name = working, name
                changed.append(row)
        if keeps_history:
            for row in [*new_days, *changed]:
                row.save()
        else:
            calendar_day_model.objects.bulk_create(new_days)
            calendar_day_model.objects.bulk_update(changed, ["is_working_day", "name"])
        calendar_year_model.objects.get_or_create(
            year=year, defaults={"source": f"chinese-calendar {_package_version()}"}
        )
    return wanted


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("chinese_calendar")
    except Exception:  # the source label is informative only
        return ""


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_changed(sender: type[models.Model], **kwargs: object) -> None:
    clear_cache()
