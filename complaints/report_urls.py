"""Paths of the dashboard, the monthly report and the exports (the pages contract)."""

from django.urls import path

from complaints import report_views

urlpatterns = [
    path("dashboard/", report_views.dashboard, name="dashboard"),
    path("reports/monthly/", report_views.monthly, name="monthly-report"),
    path("cases/export.csv", report_views.export_csv, name="case-export-csv"),
    path("cases/export.xlsx", report_views.export_xlsx, name="case-export-xlsx"),
]
