"""Logs print the `extra={...}` fields in both formats, and a real run logs no personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from accounts.roles import Role
from common.logs import JsonFormatter, PlainFormatter
from tests.api.conftest import client_for
from tests.factories import DEMO_ID_NUMBER, UserFactory, case_payload

CLEAR = {
    "name": "欧阳清白",
    "phone": "13912340987",
    "id_number": DEMO_ID_NUMBER,
    "email": "leak-check@example.cn",
    "account_reference": "LN-LEAK-55501",
}


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord("complaints.services", logging.INFO, __file__, 1, "case created", None, None)
    record.__dict__.update(extra)
    return record


def test_plain_lines_end_with_the_extras_as_key_value():
    line = PlainFormatter().format(_record(case_id=12, state="in take"))

    assert line.endswith('INFO complaints.services case created case_id=12 state="in take"')


def test_json_lines_carry_the_extras_as_fields():
    line = JsonFormatter().format(_record(case_id=12, reference="TS-1"))

    body = json.loads(line)
    assert (body["message"], body["level"], body["logger"], body["case_id"], body["reference"]) == (
        "case created", "INFO", "complaints.services", 12, "TS-1"
    )


def test_the_request_object_django_attaches_is_not_printed():
    line = PlainFormatter().format(_record(status_code=404, request=object()))

    assert line.endswith("status_code=404")


def test_production_settings_log_json():
    from config.settings import production

    assert production.LOGGING["handlers"]["console"]["formatter"] == "json"


@pytest.fixture
def formatted_logs():
    """Everything logged during the test, formatted by both formatters as the handlers would."""
    streams = {"plain": io.StringIO(), "json": io.StringIO()}
    handlers = []
    for name, formatter in (("plain", PlainFormatter()), ("json", JsonFormatter())):
        handler = logging.StreamHandler(streams[name])
        handler.setFormatter(formatter)
        handler.setLevel(logging.DEBUG)
        handlers.append(handler)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    yield streams
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.mark.django_db
def test_a_create_and_a_reveal_log_the_case_id_but_no_personal_data(formatted_logs, team_a, agent):
    supervisor = UserFactory(role=Role.SUPERVISOR, teams=[team_a])
    payload = case_payload(
        complainant={k: CLEAR[k] for k in ("name", "phone", "id_number", "email")},
        account_reference=CLEAR["account_reference"],
    )

    created = client_for(agent).post("/api/v1/complaints/", payload, format="json")
    case_id = created.json()["id"]
    revealed = client_for(supervisor).post(
        f"/api/v1/complaints/{case_id}/pii/", {"reason": "回访核对身份"}, format="json"
    )

    assert (created.status_code, revealed.status_code) == (201, 200)
    assert revealed.json()["phone"] == CLEAR["phone"]  # the reveal did see the clear values
    for name, stream in formatted_logs.items():
        text = stream.getvalue()
        assert f"case_id={case_id}" in text if name == "plain" else f'"case_id": {case_id}' in text
        assert [value for value in CLEAR.values() if value in text] == [], name
