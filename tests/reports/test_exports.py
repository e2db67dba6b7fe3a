"""Queue exports: roles, filters, masked personal data, neutralised formulas, streaming."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from complaints.reporting.exports import cell, columns, neutralise
from tests.reports.conftest import FORMULA_SUMMARY

pytestmark = pytest.mark.django_db
CSV, XLSX = "/cases/export.csv", "/cases/export.xlsx"
FIELDS = [c.field for c in columns()]


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(response) -> list[tuple]:
    assert isinstance(response, StreamingHttpResponse)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize("who", ["lead", "member", "callcenter"])
def test_roles_without_the_queue_may_not_export(client, request, who, url):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_anonymous_export_goes_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_agent_exports_only_the_cases_of_their_team(client, agent, known):
    client.force_login(agent)

    rows = read_csv(client.get(CSV))

    references = {row[0] for row in rows[1:]}
    assert len(rows) == 1 + 5
    assert known["c5"].reference not in references


def test_auditor_exports_every_case(client, auditor, known):
    client.force_login(auditor)

    assert len(read_csv(client.get(CSV))) == 1 + 6


def test_personal_data_is_masked_even_for_a_supervisor_who_may_see_it(client, supervisor, known):
    client.force_login(supervisor)

    rows = read_csv(client.get(CSV))

    name, phone = FIELDS.index("complainant_name"), FIELDS.index("complainant_phone")
    assert {(row[name], row[phone]) for row in rows[1:]} == {("张*", "138****1234")}
    assert "张三" not in str(rows) and "13800001234" not in str(rows)


def test_a_formula_in_a_cell_is_neutralised_in_csv_and_xlsx(client, supervisor, known):
    client.force_login(supervisor)

    csv_cells = {c for row in read_csv(client.get(CSV)) for c in row}
    xlsx_cells = {c for row in read_xlsx(client.get(XLSX)) for c in row}

    assert "'" + FORMULA_SUMMARY in csv_cells
    assert "'" + FORMULA_SUMMARY in xlsx_cells
    assert FORMULA_SUMMARY not in csv_cells | xlsx_cells


def test_xlsx_has_the_same_rows_as_csv(client, supervisor, known):
    client.force_login(supervisor)

    csv_rows = read_csv(client.get(CSV, {"ordering": "-received_at"}))
    xlsx_rows = read_xlsx(client.get(XLSX, {"ordering": "-received_at"}))

    assert [r[0] for r in csv_rows] == [r[0] for r in xlsx_rows]
    assert xlsx_rows[1][FIELDS.index("complainant_name")] == "张*"


def test_filters_use_the_api_names(client, supervisor, known):
    client.force_login(supervisor)

    intake = read_csv(client.get(CSV, {"state": "intake"}))
    breached = read_csv(client.get(CSV, {"breached": "true"}))
    team_b = read_csv(client.get(CSV, {"team": "team-b"}))
    fees = read_csv(client.get(CSV, {"category": "fee_dispute", "ordering": "severity"}))

    assert {r[0] for r in intake[1:]} == {known["c3"].reference, known["c5"].reference}
    assert [r[0] for r in breached[1:]] == [known["c4"].reference]
    assert [r[0] for r in team_b[1:]] == [known["c5"].reference]
    assert [r[0] for r in fees[1:]] == [known["c2"].reference]


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize(
    "params",
    [
        {"state": "nonsense"},
        {"severity": "extreme"},
        {"category": "no-such"},
        {"team": "no-such"},
        {"risk_flag": "x"},
        {"assignee": "abc"},
        {"received_after": "yesterday"},
        {"received_before": "2026-13-45"},
        {"ordering": "summary"},
        {"q": "x" * 201},
        {"q": "a\x00b"},
        {"assignee": "NaN"},
        {"ordering": "\x00"},
        {"received_after": "2026-01-01T00:00:00+16:00"},
    ],
)
def test_bad_filter_values_are_a_400_page_naming_the_filter(client, supervisor, url, params):
    client.force_login(supervisor)

    response = client.get(url, params)

    assert response.status_code == 400
    assert f"<code>{next(iter(params))}</code>" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("普通文本", "普通文本"), ("a=b", "a=b")],
)
def test_neutralise_prefixes_a_quote_to_formula_starts(value, expected):
    assert neutralise(value) == expected


def test_numbers_are_not_neutralised():
    assert cell(-5) == -5
