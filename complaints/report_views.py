"""Pages of the supervisor side: dashboard, monthly report, queue exports (thin views over
complaints.reporting; the figures and their scoping live there)."""

from __future__ import annotations

import logging
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.roles import Role
from complaints.reporting import dashboard as dashboard_selectors
from complaints.reporting import exports
from complaints.reporting.monthly import MonthForm, monthly_report

logger = logging.getLogger(__name__)

REPORT_ROLES = (Role.SUPERVISOR, Role.AUDITOR)
EXPORT_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.AUDITOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(user, roles) -> None:
    if not (user.is_superuser or user.has_role(*roles)):
        raise PermissionDenied


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request.user, REPORT_ROLES)
    data = dashboard_selectors.dashboard_for(actor=request.user)
    chart = {
        "labels": [row["day"].isoformat() for row in data["daily"]],
        "counts": [row["count"] for row in data["daily"]],
        "trend": [row["trend"] for row in data["daily"]],
        "countLabel": _("Complaints per day"),
        "trendLabel": _("7-day moving average"),
    }
    agents = [{"pk": row["user"].pk, "name": str(row["user"]), "team_ids": row["team_ids"]} for row in data["workload"]]
    return render(request, "complaints/dashboard.html", {**data, "chart": chart, "agents": agents})


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    _require(request.user, REPORT_ROLES)
    form = MonthForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "complaints/monthly_report.html", {"form": form}, status=400)
    month = form.cleaned_data["month"] if form.is_bound else timezone.localdate().replace(day=1)
    output = form.cleaned_data["format"] if form.is_bound else "html"
    report = monthly_report(actor=request.user, month=month)
    if output == "xlsx":
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        exports.tables_workbook(report["tables"], handle=handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"monthly-report-{month:%Y-%m}.xlsx",
                            content_type=XLSX)
    return render(request, "complaints/monthly_report.html", {"form": form, "report": report})


def _export(request: HttpRequest):
    _require(request.user, EXPORT_ROLES)
    try:
        rows = exports.export_rows(actor=request.user, params=request.GET)
    except exports.ExportInvalid as exc:
        return None, render(request, "complaints/dashboard_export_invalid.html", {"errors": exc.errors}, status=400)
    logger.info("queue exported", extra={"user_id": request.user.pk, "filters": sorted(request.GET.keys())})
    return rows, None


def _filename(ext: str) -> str:
    return f"cases-{timezone.localtime():%Y%m%d-%H%M}.{ext}"


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    rows, error = _export(request)
    if error is not None:
        return error
    response = StreamingHttpResponse(exports.csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    rows, error = _export(request)
    if error is not None:
        return error
    handle = exports.xlsx_file(rows, title=pgettext("queue", "Cases"))
    return FileResponse(handle, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX)
