"""The intake form: the create service's messages next to the fields, nothing written on error,
one case per form however often it is sent, and the repeat-complaint warning."""

from __future__ import annotations

import re

import pytest

from complaints.models import ComplaintCase
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    data = {
        "intake_token": "tok-1",
        "channel": "phone",
        "category": "collection_conduct",
        "severity": "normal",
        "summary": "催收电话一天十几次",
        "description": "影响正常工作",
        "complainant_name": "张三",
        "complainant_phone": "13800001234",
        "risk_flags": ["media_exposure"],
    }
    data.update(overrides)
    return data


def _marked(html: str, field: str) -> str:
    tag = re.search(rf'<(?:input|select|textarea)[^>]*id="intake-{field}"[^>]*>', html, re.S)
    assert tag, field
    assert 'aria-invalid="true"' in tag.group(0)
    assert f'aria-describedby="intake-{field}-error"' in tag.group(0)
    return re.search(rf'id="intake-{field}-error">(.*?)</div>', html, re.S).group(1).strip()


def test_the_form_posts_the_api_field_names(login, agent):
    html = login(agent).get("/cases/new/").content.decode()

    for name in ("channel", "category", "severity", "summary", "description", "received_at", "complainant_name",
                 "complainant_phone", "complainant_id_number", "complainant_email", "account_reference",
                 "collection_channel", "risk_flags", "external_id", "intake_token"):
        assert f'name="{name}"' in html, name


def test_a_valid_form_makes_the_case_and_opens_its_workspace(login, agent):
    response = login(agent).post("/cases/new/", _form())

    case = ComplaintCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.risk_flags == ["media_exposure"]
    assert case.team_id in agent.team_ids


def test_errors_stand_next_to_their_fields_with_the_api_messages(login, agent, api_messages):
    response = login(agent).post("/cases/new/", _form(
        channel="pigeon", summary="", complainant_phone="12345", complainant_email="not-mail", received_at="soon",
    ))

    assert response.status_code == 400
    html = response.content.decode()
    for field, attr in [("channel", "channel"), ("summary", "summary"), ("complainant_phone", "complainant.phone"),
                        ("complainant_email", "complainant.email"), ("received_at", "received_at")]:
        assert _marked(html, field) == api_messages[attr], field
    assert "张三" in html
    assert ComplaintCase.objects.count() == 0


@pytest.fixture
def api_messages(agent):
    """What the API says for the same bad payload: the page must say the same."""
    from tests.api.conftest import client_for

    body = client_for(agent).post("/api/v1/complaints/", {
        "channel": "pigeon", "category": "collection_conduct", "summary": "", "received_at": "soon",
        "complainant": {"name": "张三", "phone": "12345", "email": "not-mail"},
    }, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    return {e["attr"]: e["detail"] for e in body["errors"]}


def test_the_same_form_sent_twice_makes_one_case(login, agent):
    client = login(agent)

    first = client.post("/cases/new/", _form())
    second = client.post("/cases/new/", _form())

    assert ComplaintCase.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_new_form_makes_a_new_case(login, agent):
    client = login(agent)
    client.post("/cases/new/", _form())
    client.post("/cases/new/", _form(intake_token="tok-2"))

    assert ComplaintCase.objects.count() == 2


def test_the_token_is_the_users_own(login, agent, supervisor):
    login(agent).post("/cases/new/", _form())
    login(supervisor).post("/cases/new/", _form())

    assert ComplaintCase.objects.count() == 2


def test_a_corrected_resend_after_an_error_still_counts_once(login, agent):
    client = login(agent)
    client.post("/cases/new/", _form(summary=""))
    client.post("/cases/new/", _form())
    client.post("/cases/new/", _form())

    assert ComplaintCase.objects.count() == 1


def test_the_token_sent_with_other_content_is_refused(login, agent):
    client = login(agent)
    client.post("/cases/new/", _form())

    response = client.post("/cases/new/", _form(summary="另一件事"))

    assert response.status_code == 409
    assert ComplaintCase.objects.count() == 1


def test_a_repeat_complaint_is_announced_on_the_workspace(login, agent):
    make_case(actor=agent)
    client = login(agent)

    response = client.post("/cases/new/", _form(), follow=True)

    assert 'id="repeat-badge"' in response.content.decode()
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_roles_that_may_not_register_get_a_403_page(login, auditor):
    assert login(auditor).get("/cases/new/").status_code == 403
    assert login(auditor).post("/cases/new/", _form()).status_code == 403
    assert ComplaintCase.objects.count() == 0


def test_the_repeat_hint_answers_while_typing(login, agent, case_a):
    client = login(agent)

    known = client.post("/cases/new/repeat-check/", {"complainant_phone": "138 0000 1234"})
    unknown = client.post("/cases/new/repeat-check/", {"complainant_phone": "13700000000"})

    assert 'id="repeat-warning"' in known.content.decode()
    assert 'id="repeat-warning"' not in unknown.content.decode()


def test_the_repeat_hint_takes_no_personal_data_in_the_url(login, agent):
    assert login(agent).get("/cases/new/repeat-check/?complainant_phone=13800001234").status_code == 405


def test_the_repeat_hint_does_not_reveal_another_teams_cases(login, agent, case_b):
    response = login(agent).post("/cases/new/repeat-check/", {"complainant_phone": "13900005678"})

    assert 'id="repeat-warning"' not in response.content.decode()
