"""Seed the business calendar (holidays and make-up working days) from `chinese-calendar`."""

from django.core.management.base import BaseCommand

from timers import calendar
from timers.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = (
        "Load Chinese public holidays and make-up working days from the chinese-calendar package "
        "into the business calendar. Days already in the database are kept (admin edits win) "
        "unless --overwrite. Each day added or changed has its history and its entry in the "
        "auditors' feed of configuration changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="Years to load (default: all the package covers).")
        parser.add_argument("--overwrite", action="store_true", help="Replace day rows that already exist.")

    def handle(self, *args, years, overwrite, **options):
        loaded = calendar.load_years_from_package(
            calendar_day_model=CalendarDay,
            calendar_year_model=CalendarYear,
            years=years or None,
            overwrite=overwrite,
        )
        calendar.clear_cache()
        missing = sorted(set(years) - set(loaded)) if years else []
        if loaded:
            self.stdout.write(f"Loaded {len(loaded)} year(s): {loaded[0]}–{loaded[-1]}")
        if missing:
            self.stderr.write(
                f"Not covered by the installed chinese-calendar: {missing}; enter them in the admin."
            )
        missing_now = calendar.calendar_missing_years()
        if missing_now:
            self.stderr.write(f"No holiday schedule yet for: {missing_now} (Monday–Friday is counted).")
