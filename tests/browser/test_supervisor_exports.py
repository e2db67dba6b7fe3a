"""A supervisor finds a case's agent on the dashboard, then downloads the queue as CSV and as an
Excel workbook in the browser; the test reads both files back (personal data masked)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from accounts.roles import Role
from tests.browser.conftest import CHROMIUM, log_in
from tests.factories import TeamFactory, UserFactory, fire, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)"),
]


@pytest.fixture
def worked_case(roles):
    team = TeamFactory(code="team-export", name="投诉处理三组")
    agent = UserFactory(username="e-agent", display_name="赵专员", role=Role.AGENT, teams=[team])
    UserFactory(username="e-supervisor", display_name="钱主管", role=Role.SUPERVISOR, teams=[team])
    case = make_case(actor=agent)
    return fire(case, "start_verification", actor=agent)


def _download(page, selector: str):
    with page.expect_download() as download:
        page.click(selector)
    return download.value.path()


def test_a_supervisor_sees_the_workload_and_downloads_both_exports(live_server, worked_case, page, shot):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    log_in(page, live_server.url, "e-supervisor")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("body")).to_contain_text("赵专员")
    shot(page, "dashboard-supervisor")

    page.goto(f"{live_server.url}/cases/")
    csv_path = _download(page, "a[href^='/cases/export.csv']")
    xlsx_path = _download(page, "a[href^='/cases/export.xlsx']")

    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        csv_text = handle.read()
    cells = [
        str(cell)
        for row in load_workbook(io.BytesIO(Path(xlsx_path).read_bytes()), read_only=True).active.iter_rows(
            values_only=True
        )
        for cell in row
    ]
    assert worked_case.reference in csv_text and worked_case.reference in cells
    assert "13800001234" not in csv_text and "13800001234" not in cells
    assert list(csv.reader(csv_text.splitlines()))[0]
    assert page.console_watch.errors == []
