"""The conduct statistics on the supervisor dashboard and in the monthly report (page, workbook),
through the complaints app's report seams."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from conduct import reporting, services
from conduct.models import ConductRule
from tests.conduct.helpers import row
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = timezone.localdate() - timedelta(days=3)
MONTH = DAY.strftime("%Y-%m")


def _at(hour: int, minute: int = 0) -> str:
    return datetime.combine(DAY, time(hour, minute), tzinfo=SHANGHAI).isoformat()


@pytest.fixture
def checked(agent, agent_b, store):
    """Three days ago: two quiet-hour calls by 王五 (甲公司) on a team A case, one by 赵六 (乙公司)
    on a team B case; both cases checked."""
    store([
        row("N1", at=_at(22, 30), collector="王五", agency="甲公司"),
        row("N2", at=_at(23, 15), collector="王五", agency="甲公司"),
        row("B1", at=_at(23, 30), account_reference="LN-2024-00002", collector="赵六", agency="乙公司"),
    ])
    case_a = make_case(actor=agent)
    case_b = make_case(actor=agent_b, account_reference="LN-2024-00002")
    services.conduct_check_record(case=case_a, actor=agent)
    services.conduct_check_record(case=case_b, actor=agent_b)
    return case_a, case_b


@pytest.fixture
def supervisor_a(team_a):
    return UserFactory(username="supervisor-a", role=Role.SUPERVISOR, teams=[team_a])


def _rows(html: str, table_id: str) -> str:
    return html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]


def test_supervisor_sees_breaches_by_rule_collector_and_agency_on_the_dashboard(client, supervisor, checked):
    client.force_login(supervisor)

    html = client.get("/dashboard/").content.decode()

    assert 'id="conduct-breaches"' in html
    assert ConductRule.objects.get(code="quiet_hours").name in _rows(html, "conduct-by-rule")
    assert "王五" in _rows(html, "conduct-by-collector") and "赵六" in _rows(html, "conduct-by-collector")
    assert "甲公司" in _rows(html, "conduct-by-agency")


def test_dashboard_panel_counts_breaches_and_cases_of_the_last_30_days(supervisor, checked):
    panel = reporting.dashboard_panel_context(actor=supervisor, now=timezone.now())

    assert (panel["breaches"], panel["cases"]) == (3, 2)
    assert panel["tables"][1]["rows"] == [["王五", 2, 1], ["赵六", 1, 1]]


def test_a_one_team_supervisor_counts_only_the_breaches_of_their_team(supervisor_a, checked):
    panel = reporting.dashboard_panel_context(actor=supervisor_a, now=timezone.now())

    assert panel["tables"][1]["rows"] == [["王五", 2, 1]]


def test_a_user_without_the_report_permission_gets_no_panel_and_no_tables(agent, checked):
    assert reporting.dashboard_panel_context(actor=agent, now=timezone.now()) is None
    assert reporting.report_tables(actor=agent, month=DAY.replace(day=1), last_day=DAY) == []


@pytest.mark.parametrize("url", ["/dashboard/", f"/reports/monthly/?month={MONTH}",
                                 f"/reports/monthly/?month={MONTH}&format=xlsx"])
def test_an_agent_gets_the_403_page_not_the_statistics(client, agent, checked, url):
    client.force_login(agent)

    response = client.get(url)

    assert response.status_code == 403
    assert "王五" not in response.content.decode()


def test_supervisor_sees_the_three_conduct_tables_in_the_monthly_report(client, supervisor, checked):
    client.force_login(supervisor)

    html = client.get("/reports/monthly/", {"month": MONTH}).content.decode()

    assert ConductRule.objects.get(code="quiet_hours").name in _rows(html, "report-conduct_rule")
    assert "王五" in _rows(html, "report-conduct_collector")
    assert "乙公司" in _rows(html, "report-conduct_agency")


def test_the_monthly_workbook_has_the_conduct_sheets(client, supervisor, checked):
    client.force_login(supervisor)

    response = client.get("/reports/monthly/", {"month": MONTH, "format": "xlsx"})

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    collectors = workbook[workbook.sheetnames[-2]]
    assert list(collectors.iter_rows(min_row=2, values_only=True)) == [("王五", 2, 1), ("赵六", 1, 1)]


def test_a_month_without_breaches_shows_empty_conduct_tables(supervisor, checked):
    tables = reporting.report_tables(actor=supervisor, month=DAY.replace(day=1) - timedelta(days=400),
                                     last_day=DAY.replace(day=1) - timedelta(days=370))

    assert [t.rows for t in tables] == [[], [], []]
