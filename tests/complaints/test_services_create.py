"""case_create: what a registered complaint looks like and who may register one."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from common.exceptions import ActionNotPermitted
from complaints.choices import CaseState, EventKind
from complaints.models import CaseEvent, Category
from tests.factories import TeamFactory, case_payload, create_from_payload, make_case

pytestmark = pytest.mark.django_db


def test_create_starts_in_intake(agent):
    case = make_case(actor=agent)

    assert case.state == CaseState.INTAKE


def test_create_gives_a_readable_reference(agent):
    case = make_case(actor=agent)

    assert re.fullmatch(r"TS\d{8}\d{7}", case.reference)


def test_create_stores_the_reference_in_the_database(agent):
    case = make_case(actor=agent)
    case.refresh_from_db()

    assert case.reference.endswith(f"{case.pk:07d}")


def test_create_writes_one_created_event(agent):
    case = make_case(actor=agent)

    assert list(CaseEvent.objects.filter(case=case).values_list("kind", "actor", "to_state")) == [
        (EventKind.CREATED, agent.pk, CaseState.INTAKE)
    ]


def test_create_puts_the_case_in_the_agents_team(agent, team_a):
    case = make_case(actor=agent)

    assert case.team == team_a


def test_create_by_api_client_uses_the_categorys_default_team(callcenter):
    team = TeamFactory(code="api-intake")
    Category.objects.filter(code="fee_dispute").update(default_team=team)

    case = make_case(actor=callcenter, category="fee_dispute")

    assert case.team == team


def test_create_records_the_creator(callcenter):
    case = make_case(actor=callcenter)

    assert case.created_by == callcenter


def test_create_keeps_chinese_text_unchanged(agent):
    case = make_case(actor=agent, summary="催收人员态度恶劣，辱骂客户")
    case.refresh_from_db()

    assert case.summary == "催收人员态度恶劣，辱骂客户"


def test_create_defaults_severity_to_normal(agent):
    payload = case_payload()
    del payload["severity"]

    case = create_from_payload(actor=agent, payload=payload)

    assert case.severity == "normal"


def test_create_accepts_a_past_received_at(agent):
    received = timezone.now() - timedelta(days=3)

    case = make_case(actor=agent, received_at=received.isoformat())

    assert case.received_at == received


def test_create_stores_risk_flags_deduplicated(agent):
    case = make_case(actor=agent, risk_flags=["media_exposure", "regulator_referral", "media_exposure"])

    assert case.risk_flags == ["media_exposure", "regulator_referral"]


def test_create_accepts_phone_without_id_number(agent):
    case = make_case(actor=agent, complainant={"name": "李四", "phone": "13912345678"})

    assert case.id_number_index == ""


@pytest.mark.parametrize("role_fixture", ["auditor", "lead", "member"])
def test_create_is_refused_for_roles_that_may_not_register(request, role_fixture):
    user = request.getfixturevalue(role_fixture)

    with pytest.raises(ActionNotPermitted):
        make_case(actor=user)
