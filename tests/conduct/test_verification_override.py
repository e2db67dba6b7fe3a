"""complete_verification against the latest check's suggestion: a different finding needs an
`override_reason`, which lands in the transition's timeline payload."""

import pytest

from complaints import services as case_services
from complaints.models import CaseEvent
from conduct import services
from tests.api.conftest import case_url, error_codes
from tests.conduct.helpers import row
from tests.factories import advance

pytestmark = pytest.mark.django_db
NOTES = "已调取通话记录"


@pytest.fixture
def in_verification(agent, conduct_case):
    return advance(conduct_case, actor=agent, steps=1)


@pytest.fixture
def suggested_substantiated(agent, in_verification, store):
    store([row("N1", at="2026-11-20T22:30:00+08:00")])
    services.conduct_check_record(case=in_verification, actor=agent)
    return in_verification


def _complete(case, actor, **payload):
    return case_services.case_transition(
        case_id=case.pk, name="complete_verification", actor=actor, payload={"notes": NOTES, **payload}
    )


def _transition_event(case):
    return CaseEvent.objects.get(case=case, transition="complete_verification")


def test_the_suggested_finding_needs_no_reason(agent, suggested_substantiated):
    case = _complete(suggested_substantiated, agent, finding="substantiated")

    assert case.state == "communicate"
    assert "override_reason" not in _transition_event(case).data


def test_another_finding_without_a_reason_is_400_and_nothing_changes(api, agent, suggested_substantiated):
    response = api(agent).post(
        case_url(suggested_substantiated, "transitions/complete_verification/"),
        {"finding": "unsubstantiated", "notes": NOTES}, format="json",
    )

    assert error_codes(response) == {"override_reason": "required"}
    suggested_substantiated.refresh_from_db()
    assert suggested_substantiated.state == "verify"


def test_a_blank_reason_is_refused(agent, suggested_substantiated):
    from common.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        _complete(suggested_substantiated, agent, finding="unsubstantiated", override_reason="  ")


def test_an_override_with_a_reason_is_in_the_transition_timeline_entry(api, agent, suggested_substantiated):
    response = api(agent).post(
        case_url(suggested_substantiated, "transitions/complete_verification/"),
        {"finding": "partially_substantiated", "notes": NOTES, "override_reason": "夜间来电系客户本人要求回拨"},
        format="json",
    )

    assert response.status_code == 200
    data = _transition_event(suggested_substantiated).data
    assert (data["finding"], data["suggested_finding"], data["override_reason"]) == (
        "partially_substantiated", "substantiated", "夜间来电系客户本人要求回拨")


def test_without_a_check_any_finding_passes(agent, in_verification):
    assert _complete(in_verification, agent, finding="unsubstantiated").state == "communicate"


def test_a_check_without_contacts_suggests_nothing_to_override(agent, in_verification):
    services.conduct_check_record(case=in_verification, actor=agent)

    assert _complete(in_verification, agent, finding="substantiated").state == "communicate"
