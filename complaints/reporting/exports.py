"""Exports of a filtered queue as CSV or Excel, streamed row by row.

The rows come from `case_list_for(actor=...)` filtered by the API's `CaseFilter`, read with
`values()` and `iterator(chunk_size=2000)`, so a million rows never sit in memory. Personal
data is always the mask (an export never reveals), and text cells that a spreadsheet would
run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from common.pii import Sensitive
from complaints.api.filters import CaseFilter
from complaints.api.pagination import CasePagination
from complaints.choices import CaseState, Channel, Severity
from complaints.models import Category
from complaints.selectors import case_list_for

CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # evaluated per export, in the user's language


def columns() -> list[Column]:
    return [
        Column("reference", _("Reference")),
        Column("received_at", _("Received at")),
        Column("state", _("State")),
        Column("category_id", _("Category")),
        Column("severity", _("Severity")),
        Column("channel", _("Channel")),
        Column("summary", _("Summary")),
        Column("team__name", _("Team")),
        Column("assignee__username", _("Assignee")),
        Column("is_breached", _("Breached")),
        Column("is_repeat", _("Repeat complaint")),
        Column("extension_count", _("Extensions")),
        Column("risk_flags", _("Risk flags")),
        Column("complainant_name", _("Complainant name")),
        Column("complainant_phone", _("Complainant phone")),
        Column("external_id", _("External ID")),
    ]


class ExportInvalid(Exception):
    """A filter or the ordering is not valid; `errors` maps the parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def export_rows(*, actor, params: QueryDict) -> Iterator[list]:
    """Validated, scoped rows (header first) of the queue filtered by `params`."""
    filterset = CaseFilter(data=params, queryset=case_list_for(actor=actor), request=None)
    if not filterset.is_valid():
        raise ExportInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    ordering = _ordering(params.get("ordering"))
    cols = columns()
    queryset = (
        filterset.qs.select_related(None).prefetch_related(None).order_by(*ordering).values(*(c.field for c in cols))
    )
    return _rows(cols, queryset.iterator(chunk_size=CHUNK_SIZE))


def _ordering(raw: str | None) -> list[str]:
    keys = CasePagination.sort_keys
    raw = raw or CasePagination.default_ordering
    name, descending = raw.removeprefix("-"), raw.startswith("-")
    if name not in keys:
        choices = ", ".join(CasePagination().ordering_choices())
        raise ExportInvalid({"ordering": [_("Order by one of: %(choices)s.") % {"choices": choices}]})
    prefix = "-" if descending else ""
    return [prefix + keys[name].field, prefix + "id"]


def _rows(cols: list[Column], values: Iterable[dict]) -> Iterator[list]:
    states, severities, channels = dict(CaseState.choices), dict(Severity.choices), dict(Channel.choices)
    categories = {c.pk: c.name for c in Category.objects.all()}
    yes, no = _("yes"), _("no")
    yield [c.header for c in cols]
    for row in values:
        out = []
        for col in cols:
            value = row[col.field]
            if col.field == "state":
                value = states.get(value, value)
            elif col.field == "severity":
                value = severities.get(value, value)
            elif col.field == "channel":
                value = channels.get(value, value)
            elif col.field == "category_id":
                value = categories.get(value, value)
            elif col.field == "risk_flags":
                value = ", ".join(value or [])
            out.append(cell(value, yes=yes, no=no))
        yield out


def cell(value, *, yes: str = "yes", no: str = "no"):
    """A value as a spreadsheet may hold it: masked personal data, local naive times, text that
    cannot run as a formula."""
    if isinstance(value, Sensitive):
        value = value.masked
    elif isinstance(value, Promise):
        value = str(value)
    elif isinstance(value, bool):
        return yes if value else no
    elif isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    elif value is None:
        return ""
    elif isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return neutralise(str(value))
    return value


def neutralise(text: str) -> str:
    """Prefix a single quote to text starting with = + - @ tab or CR (formula injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """CSV lines, the first with a UTF-8 byte-order mark so that Excel reads Chinese."""
    writer = csv.writer(_Echo())
    first = True
    for row in rows:
        line = writer.writerow([v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row])
        if first:
            line, first = BOM + line, False
        yield line


def xlsx_file(rows: Iterable[list], *, title: str):
    """The rows as a workbook in a temporary file (write-only mode: rows go to disk as written),
    rewound for reading; the caller streams and closes it."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def tables_workbook(tables, *, handle) -> None:
    """The monthly report's tables, one sheet each, written to `handle`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        sheet.append([neutralise(str(h)) for h in table.headers])
        for row in table.rows:
            sheet.append([cell(v) for v in row])
    workbook.save(handle)
