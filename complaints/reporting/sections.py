"""Seams through which later apps add to the dashboard and the monthly report without this app
importing them (like `complaints.views.workspace.register_case_panel` for the workspace).

- `register_dashboard_panel(template_name, context_fn)`: `context_fn(actor=…, now=…)` returns the
  panel template's context (as `panel`), or None to show nothing to this user.
- `register_report_section(tables_fn)`: `tables_fn(actor=…, month=…, last_day=…)` returns
  `complaints.reporting.monthly.Table`s appended to the report: the page, its print view and one
  sheet each in the workbook. An empty list shows nothing.

Each registered function checks its own permissions and runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from complaints.reporting.monthly import Table

DashboardContext = Callable[..., "dict[str, Any] | None"]
ReportTables = Callable[..., "list[Table]"]


@dataclass(frozen=True)
class DashboardPanel:
    template_name: str
    context_fn: DashboardContext


_dashboard_panels: list[DashboardPanel] = []
_report_sections: list[ReportTables] = []


def register_dashboard_panel(template_name: str, context_fn: DashboardContext) -> None:
    """Add a panel below the dashboard's own figures; panels render in registration order."""
    panel = DashboardPanel(template_name, context_fn)
    if panel not in _dashboard_panels:
        _dashboard_panels.append(panel)


def register_report_section(tables_fn: ReportTables) -> None:
    """Add tables after the monthly report's own, in registration order."""
    if tables_fn not in _report_sections:
        _report_sections.append(tables_fn)


def dashboard_panels_for(*, actor, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    rendered = []
    for panel in _dashboard_panels:
        context = panel.context_fn(actor=actor, now=now)
        if context is not None:
            rendered.append((panel.template_name, context))
    return rendered


def report_sections_for(*, actor, month: date, last_day: date) -> list[Table]:
    return [table for tables_fn in _report_sections for table in tables_fn(actor=actor, month=month, last_day=last_day)]
