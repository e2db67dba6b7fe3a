"""No input gives a 500 page: odd values, NUL characters and a broken formset on every form."""

from __future__ import annotations

import pytest

from tests.factories import advance

pytestmark = pytest.mark.django_db

ODD = ["", "\x00", "é" * 20000, "-1", "99999999999999999999", "true", "[]", "{}", "<script>alert(1)</script>"]


@pytest.mark.parametrize("value", ODD)
def test_no_form_of_the_workspace_answers_500(login, supervisor, case_a, value):
    advance(case_a, actor=supervisor, steps=3)
    client = login(supervisor)
    posts = {
        "transitions/resolve/": ["summary", "actions-TOTAL_FORMS", "actions-INITIAL_FORMS", "actions-0-type",
                                 "actions-0-amount", "actions-0-detail", "version"],
        "transitions/withdraw/": ["reason", "version"],
        "notes/": ["body", "internal"],
        "communications/": ["channel", "direction", "outcome", "summary"],
        "extension/": ["reason", "version"],
        "assign/": ["assignee", "version"],
        "pii/": ["reason"],
        "attachments/": ["file"],
    }
    for suffix, fields in posts.items():
        response = client.post(f"/cases/{case_a.pk}/{suffix}", {f: value for f in fields})
        assert response.status_code < 500, (suffix, response.status_code)
    assert "<script>alert(1)</script>" not in client.get(f"/cases/{case_a.pk}/").content.decode()


@pytest.mark.parametrize("value", ODD)
def test_the_intake_form_never_answers_500(login, agent, value):
    fields = ["channel", "category", "severity", "summary", "description", "received_at", "complainant_name",
              "complainant_phone", "complainant_id_number", "complainant_email", "account_reference",
              "collection_channel", "risk_flags", "external_id", "intake_token"]

    response = login(agent).post("/cases/new/", {f: value for f in fields})

    assert response.status_code in (302, 400, 409)


@pytest.mark.parametrize("value", ODD)
def test_the_queue_never_answers_500(login, agent, case_a, value):
    fields = ["scope", "state", "category", "severity", "breached", "risk_flag", "assignee", "team",
              "received_after", "received_before", "q", "ordering", "cursor", "page_size"]

    response = login(agent).get("/cases/", {f: value for f in fields})

    assert response.status_code in (200, 400)
