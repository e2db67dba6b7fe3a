"""Rebuild the dashboard and monthly-report summary rows of the last N days."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.reporting.summaries import summaries_refresh


class Command(BaseCommand):
    help = "Rebuild the report summary rows (stage times, on-time final answers) of the last N days."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=90, help="days back from today (default 90)")

    def handle(self, *args, days: int, **options) -> None:
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        today = timezone.localdate()
        # A month at a time keeps each transaction and its memory small.
        first = today - timedelta(days=days - 1)
        while first <= today:
            last = min(first + timedelta(days=30), today)
            counts = summaries_refresh(first_day=first, last_day=last)
            self.stdout.write(f"{first}..{last}: {counts['stage_rows']} stage rows, "
                              f"{counts['final_answer_rows']} final-answer rows")
            first = last + timedelta(days=1)
