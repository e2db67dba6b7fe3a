"""The dashboard's and the monthly report's seams (complaints.reporting.sections): with nothing
registered (the complaints app alone) the pages show only their own figures; a registered panel
or section shows, and one that declines shows nothing."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from complaints.reporting import sections
from complaints.reporting.monthly import Table

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_registrations(monkeypatch):
    monkeypatch.setattr(sections, "_dashboard_panels", [])
    monkeypatch.setattr(sections, "_report_sections", [])


def _month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_dashboard_with_no_registered_panel_shows_its_own_figures(client, supervisor, no_registrations):
    client.force_login(supervisor)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert response.context["panels"] == []
    assert 'id="workload"' in response.content.decode()


def test_monthly_workbook_with_no_registered_section_has_only_its_own_six_sheets(
    client, supervisor, no_registrations
):
    client.force_login(supervisor)

    response = client.get("/reports/monthly/", {"month": _month(), "format": "xlsx"})

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 6


def test_a_registered_panel_is_rendered_and_one_returning_none_is_left_out(
    client, supervisor, no_registrations, tmp_path, settings
):
    (tmp_path / "panel.html").write_text('<p id="extra-panel">{{ panel.word }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    sections.register_dashboard_panel("panel.html", lambda *, actor, now: {"word": f"hello-{actor.username}"})
    sections.register_dashboard_panel("missing.html", lambda *, actor, now: None)
    client.force_login(supervisor)

    html = client.get("/dashboard/").content.decode()

    assert f'<p id="extra-panel">hello-{supervisor.username}</p>' in html


def test_a_registered_section_adds_its_tables_to_the_page_and_the_workbook(client, supervisor, no_registrations):
    sections.register_report_section(
        lambda *, actor, month, last_day: [Table("extra", "附加表", ["项目", "数量"], [[month.isoformat(), 7]])]
    )
    client.force_login(supervisor)

    html = client.get("/reports/monthly/", {"month": _month()}).content.decode()
    response = client.get("/reports/monthly/", {"month": _month(), "format": "xlsx"})

    assert 'id="report-extra"' in html
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(workbook["附加表"].iter_rows(values_only=True))[1] == (timezone.localdate().replace(day=1).isoformat(), 7)
