"""The monthly report: who sees it, its tables on a known data set, the workbook, bad months."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from complaints.reporting.monthly import monthly_report

pytestmark = pytest.mark.django_db
URL = "/reports/monthly/"


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@pytest.mark.parametrize("who", ["agent", "lead", "member", "callcenter"])
def test_roles_without_reports_get_the_403_page(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("who", ["supervisor", "auditor", "admin_user"])
def test_supervisor_auditor_and_admin_see_the_report(client, request, who, known):
    client.force_login(request.getfixturevalue(who))

    response = client.get(URL, {"month": _this_month()})

    assert response.status_code == 200
    html = response.content.decode()
    for key in ("summary", "category", "channel", "finding", "action", "satisfaction"):
        assert f'id="report-{key}"' in html


def test_report_is_printable_with_a_print_stylesheet(client, supervisor, known):
    client.force_login(supervisor)

    html = client.get(URL).content.decode()

    assert 'href="/static/css/print.css" media="print"' in html


def _table(report, key):
    return next(t for t in report["tables"] if t.key == key)


def test_tables_count_the_cases_received_in_the_month(supervisor, known):
    with translation.override("en"):
        report = monthly_report(actor=supervisor, month=timezone.localdate().replace(day=1))

    overview = dict(_table(report, "summary").rows)
    assert report["received"] == 6
    assert overview["Complaints received"] == 6
    assert overview["Final answers given this month"] == 3
    assert overview["Of which on time"] == 2
    assert float(overview["On-time rate"]) == pytest.approx(0.6667, abs=1e-3)
    assert overview["Customers who rated"] == 2
    assert overview["Mean satisfaction (1–5)"] == 3.0
    channels = {row[0]: row[1] for row in _table(report, "channel").rows}
    assert channels == {"Phone": 3, "Web": 1, "E-mail": 1, "SMS": 1}
    findings = {row[0]: row[1] for row in _table(report, "finding").rows}
    assert findings == {"Substantiated": 3, "Not verified yet": 3}
    actions = {row[0]: row[1:] for row in _table(report, "action").rows}
    assert actions["Late fees waived"][0] == 1 and float(actions["Late fees waived"][2]) == 120.0


def test_a_month_without_cases_has_empty_tables(supervisor, known):
    report = monthly_report(actor=supervisor, month=timezone.localdate().replace(year=2020, day=1))

    assert report["received"] == 0
    assert _table(report, "category").rows == []


def test_agent_team_scoping_of_a_one_team_supervisor(supervisor_a, known):
    report = monthly_report(actor=supervisor_a, month=timezone.localdate().replace(day=1))

    assert report["received"] == 5


def test_xlsx_format_returns_a_workbook_of_the_same_tables(client, supervisor, known):
    client.force_login(supervisor)

    response = client.get(URL, {"month": _this_month(), "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    own = monthly_report(actor=supervisor, month=timezone.localdate().replace(day=1))["tables"][:6]
    assert workbook.sheetnames[:6] == [table.title for table in own]
    overview = workbook[workbook.sheetnames[0]]
    values = {row[0]: row[1] for row in overview.iter_rows(min_row=2, values_only=True)}
    assert 6 in values.values()


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "abc", "1999-01", "2026-1", "2026-011", "２０２６-01", "2026-1\x00"])
def test_a_bad_month_shows_the_error_next_to_the_field(client, supervisor, month):
    client.force_login(supervisor)

    response = client.get(URL, {"month": month})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_month-error"' in html
    assert 'id="id_month-error"' in html


def test_an_unknown_format_is_a_form_error(client, supervisor):
    client.force_login(supervisor)

    response = client.get(URL, {"month": "2026-11", "format": "pdf"})

    assert response.status_code == 400
    assert 'id="id_format-error"' in response.content.decode()
