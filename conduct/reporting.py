"""The conduct statistics on the supervisor dashboard and in the monthly report, through the seams
of complaints.reporting.sections (registered in receivers.connect). Same figures, scoping and
permission as `GET /api/v1/reports/conduct/` (selectors.conduct_breach_stats)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints.reporting.monthly import Table
from conduct.selectors import conduct_breach_stats

DASHBOARD_DAYS = 30
DASHBOARD_ROWS = 10


def _may_see(actor) -> bool:
    return actor.has_perm("conduct.view_reports")


def dashboard_panel_context(*, actor, now: datetime) -> dict | None:
    """Breaches of the last 30 days, the ten largest groups of each kind; None without the permission."""
    if not _may_see(actor):
        return None
    stats = conduct_breach_stats(actor=actor, month_start=now - timedelta(days=DASHBOARD_DAYS), month_end=now)
    return {
        "days": DASHBOARD_DAYS,
        "breaches": stats["breaches"],
        "cases": stats["cases"],
        "tables": [
            {"id": f"conduct-by-{table.key.removeprefix('conduct_')}", "title": table.title,
             "headers": table.headers, "rows": table.rows[:DASHBOARD_ROWS]}
            for table in _tables(stats)
        ],
    }


def report_tables(*, actor, month: date, last_day: date) -> list[Table]:
    """Three tables (by rule, collector, agency) of the breaches whose contact lies in the month,
    in the customers' time zone as in the API; none without the permission."""
    if not _may_see(actor):
        return []
    tz = ZoneInfo(settings.CONDUCT_TIME_ZONE)
    start = datetime.combine(month, time.min, tzinfo=tz)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    return _tables(conduct_breach_stats(actor=actor, month_start=start, month_end=end))


def _tables(stats: dict) -> list[Table]:
    counts = [pgettext("conduct", "Breaches"), _("Cases")]
    return [
        Table("conduct_rule", _("Conduct breaches by rule"), [_("Rule"), *counts],
              [[row["name"], row["breaches"], row["cases"]] for row in stats["by_rule"]]),
        Table("conduct_collector", _("Conduct breaches by collector"), [_("Collector"), *counts],
              [[row["collector"], row["breaches"], row["cases"]] for row in stats["by_collector"]]),
        Table("conduct_agency", _("Conduct breaches by agency"), [_("Agency"), *counts],
              [[row["agency"] or _("No agency given"), row["breaches"], row["cases"]] for row in stats["by_agency"]]),
    ]
