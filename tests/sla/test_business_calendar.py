"""Working-day arithmetic on real 2025/2026 Chinese holiday schedules (seeded from chinese-calendar)."""

import logging
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from accounts.models import ConfigChange
from complaints.choices import CalendarMode
from timers.calendar import (
    add_duration,
    add_working_days,
    calendar_missing_years,
    is_working_day,
    working_time_between,
)
from timers.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

FRIDAY_BEFORE_SPRING_FESTIVAL_2025 = date(2025, 1, 24)
FRIDAY_BEFORE_SPRING_FESTIVAL_2026 = date(2026, 2, 13)


def test_spring_festival_2025_first_day_is_a_holiday():
    assert is_working_day(date(2025, 1, 28)) is False


def test_spring_festival_2025_weekday_inside_holiday_is_not_working():
    assert is_working_day(date(2025, 2, 3)) is False


def test_spring_festival_2025_make_up_sunday_is_a_working_day():
    assert is_working_day(date(2025, 1, 26)) is True


def test_spring_festival_2025_make_up_saturday_is_a_working_day():
    assert is_working_day(date(2025, 2, 8)) is True


def test_plain_weekend_is_not_a_working_day():
    assert is_working_day(date(2025, 3, 8)) is False


def test_plain_weekday_is_a_working_day():
    assert is_working_day(date(2025, 3, 10)) is True


def test_five_working_days_after_friday_before_spring_festival_2025():
    # 1/26 Sun (make-up), 1/27, then the holiday 1/28–2/4, then 2/5, 2/6, 2/7.
    assert add_working_days(FRIDAY_BEFORE_SPRING_FESTIVAL_2025, 5) == date(2025, 2, 7)


def test_sixth_working_day_after_friday_before_spring_festival_2025_is_make_up_saturday():
    assert add_working_days(FRIDAY_BEFORE_SPRING_FESTIVAL_2025, 6) == date(2025, 2, 8)


def test_first_working_day_after_friday_before_spring_festival_2025_is_make_up_sunday():
    assert add_working_days(FRIDAY_BEFORE_SPRING_FESTIVAL_2025, 1) == date(2025, 1, 26)


def test_five_working_days_after_friday_before_spring_festival_2026():
    # 2/14 Sat (make-up), the holiday 2/15–2/23, then 2/24, 2/25, 2/26, 2/27.
    assert add_working_days(FRIDAY_BEFORE_SPRING_FESTIVAL_2026, 5) == date(2026, 2, 27)


def test_sixth_working_day_after_friday_before_spring_festival_2026_is_make_up_saturday():
    assert add_working_days(FRIDAY_BEFORE_SPRING_FESTIVAL_2026, 6) == date(2026, 2, 28)


def test_working_day_after_2026_national_day_eve_skips_the_golden_week():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_2026_national_day_make_up_saturday_is_a_working_day():
    assert is_working_day(date(2026, 10, 10)) is True


def test_adding_zero_working_days_returns_the_start():
    assert add_working_days(date(2025, 1, 28), 0) == date(2025, 1, 28)


def test_negative_working_days_count_backwards_over_the_holiday():
    assert add_working_days(date(2025, 2, 5), -1) == date(2025, 1, 27)


def test_admin_day_row_overrides_the_package_schedule():
    assert is_working_day(date(2025, 1, 28)) is False  # loads the year into the cache
    CalendarDay.objects.filter(date=date(2025, 1, 28)).update(is_working_day=True)
    CalendarDay.objects.get(date=date(2025, 1, 28)).save()  # an admin save busts the cache
    assert is_working_day(date(2025, 1, 28)) is True


def test_year_without_schedule_counts_monday_to_friday():
    # 2030-10-01 is a Tuesday: a holiday in practice, but no schedule is loaded for 2030.
    assert is_working_day(date(2030, 10, 1)) is True


def test_year_without_schedule_logs_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="timers.calendar"):
        is_working_day(date(2030, 10, 1))
    assert any(r.levelno == logging.WARNING and r.year == 2030 for r in caplog.records)


def test_admin_holiday_in_a_year_without_schedule_is_honoured():
    CalendarDay.objects.create(date=date(2030, 10, 1), is_working_day=False, name="国庆节")
    assert is_working_day(date(2030, 10, 1)) is False


def test_missing_years_lists_years_without_a_schedule():
    assert calendar_missing_years(years=[2025, 2026, 2027]) == [2027]


def test_missing_years_drops_a_year_once_an_admin_adds_it():
    CalendarYear.objects.create(year=2027, source="admin")
    assert calendar_missing_years(years=[2026, 2027]) == []


def test_calendar_years_covered_by_the_package_are_seeded():
    assert set(CalendarYear.objects.filter(year__in=[2025, 2026]).values_list("year", flat=True)) == {2025, 2026}


def test_add_duration_in_calendar_mode_adds_elapsed_time():
    start = datetime(2025, 1, 24, 10, 0, tzinfo=SHANGHAI)
    assert add_duration(start, timedelta(days=15), CalendarMode.CALENDAR) == datetime(2025, 2, 8, 10, 0, tzinfo=SHANGHAI)


def test_add_duration_in_working_days_keeps_the_time_of_day():
    start = datetime(2025, 1, 24, 10, 0, tzinfo=SHANGHAI)
    assert add_duration(start, timedelta(days=5), CalendarMode.WORKING_DAYS) == datetime(2025, 2, 7, 10, 0, tzinfo=SHANGHAI)


def test_add_duration_in_working_days_counts_in_local_time():
    # 2025-01-24 23:30 in Shanghai is 15:30 UTC: the local Friday counts, not the UTC one.
    start = datetime(2025, 1, 24, 15, 30, tzinfo=ZoneInfo("UTC"))
    assert add_duration(start, timedelta(days=1), CalendarMode.WORKING_DAYS) == datetime(2025, 1, 26, 23, 30, tzinfo=SHANGHAI)


def test_add_duration_remainder_landing_on_a_holiday_moves_to_next_working_day():
    start = datetime(2025, 1, 27, 20, 0, tzinfo=SHANGHAI)
    assert add_duration(start, timedelta(hours=8), CalendarMode.WORKING_DAYS) == datetime(2025, 2, 5, 4, 0, tzinfo=SHANGHAI)


def test_load_calendar_keeps_admin_edits():
    CalendarDay.objects.filter(date=date(2025, 1, 28)).update(is_working_day=True)
    call_command("load_calendar", "2025", stdout=StringIO(), stderr=StringIO())
    assert CalendarDay.objects.get(date=date(2025, 1, 28)).is_working_day is True


def test_load_calendar_overwrite_restores_the_package_schedule():
    CalendarDay.objects.filter(date=date(2025, 1, 28)).update(is_working_day=True)
    call_command("load_calendar", "2025", "--overwrite", stdout=StringIO(), stderr=StringIO())
    assert CalendarDay.objects.get(date=date(2025, 1, 28)).is_working_day is False


def test_load_calendar_restores_a_deleted_year():
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    call_command("load_calendar", "2026", stdout=StringIO(), stderr=StringIO())
    assert is_working_day(date(2026, 2, 14)) is True


def _feed(action):
    return ConfigChange.objects.filter(model="timers.calendarday", action=action)


def test_load_calendar_puts_each_day_it_adds_in_the_auditors_feed():
    CalendarDay.objects.filter(date__in=[date(2026, 2, 16), date(2026, 2, 17)]).delete()

    call_command("load_calendar", "2026", stdout=StringIO(), stderr=StringIO())

    added = _feed(ConfigChange.Action.CREATED).filter(object_repr__startswith="2026-02-1")
    assert sorted(c.object_repr[:10] for c in added) == ["2026-02-16", "2026-02-17"]


def test_load_calendar_overwrite_puts_the_day_it_restores_in_the_auditors_feed():
    edited = CalendarDay.objects.get(date=date(2025, 1, 28))
    edited.is_working_day = True
    edited.save()  # an admin's edit, with its own row in the feed

    call_command("load_calendar", "2025", "--overwrite", stdout=StringIO(), stderr=StringIO())

    restored = _feed(ConfigChange.Action.CHANGED).order_by("-at", "-pk").first()
    assert (restored.object_repr[:10], restored.changes[0]["field"], restored.changes[0]["after"]) == (
        "2025-01-28", "is_working_day", False
    )


def test_load_calendar_writes_no_history_for_days_it_already_has():
    before = CalendarDay.history.count()

    call_command("load_calendar", "2025", "--overwrite", stdout=StringIO(), stderr=StringIO())

    assert CalendarDay.history.count() == before


def test_absurd_duration_is_clamped_instead_of_overflowing():
    start = datetime(2025, 1, 24, 10, 0, tzinfo=SHANGHAI)
    assert add_duration(start, timedelta(days=10**8), CalendarMode.WORKING_DAYS).year < 2040


def test_working_time_of_a_weekend_is_nothing():
    start = datetime(2026, 11, 7, 9, 0, tzinfo=SHANGHAI)  # Saturday
    assert working_time_between(start, start + timedelta(days=1, hours=12)) == timedelta(0)


def test_working_time_from_friday_to_monday_is_one_day():
    start = datetime(2026, 11, 6, 10, 0, tzinfo=SHANGHAI)  # Friday
    assert working_time_between(start, start + timedelta(days=3)) == timedelta(days=1)


def test_working_time_skips_a_public_holiday():
    start = datetime(2025, 1, 27, 0, 0, tzinfo=SHANGHAI)  # Monday before the Spring Festival week
    # Only Monday 27 Jan works: 28 Jan – 4 Feb are holidays (the weekend of 1–2 Feb included).
    assert working_time_between(start, datetime(2025, 2, 5, 0, 0, tzinfo=SHANGHAI)) == timedelta(days=1)
