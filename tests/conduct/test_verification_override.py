"""The verification finding against the latest check's suggestion: overriding needs a reason,
which lands on the timeline. (`verification_finding_check` is what conduct registers with
complaints' transition-check seam for complete_verification.)"""

import pytest

from common.exceptions import ValidationFailed
from complaints.models import CaseEvent
from conduct import services
from tests.conduct.helpers import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggested_substantiated(agent, conduct_case, store):
    store([row("N1", at="2026-11-20T22:30:00+08:00")])
    services.conduct_check_record(case=conduct_case, actor=agent)
    return conduct_case


def test_the_suggested_finding_needs_no_reason(agent, suggested_substantiated):
    services.verification_finding_check(suggested_substantiated, {"finding": "substantiated"}, agent)

    assert not CaseEvent.objects.filter(kind="conduct_check", data__has_key="override_reason").exists()


def test_another_finding_without_a_reason_is_refused(agent, suggested_substantiated):
    with pytest.raises(ValidationFailed) as exc:
        services.verification_finding_check(suggested_substantiated, {"finding": "unsubstantiated"}, agent)

    assert exc.value.errors["override_reason"][0][0] == "required"


def test_a_blank_reason_is_refused(agent, suggested_substantiated):
    with pytest.raises(ValidationFailed):
        services.verification_finding_check(
            suggested_substantiated, {"finding": "unsubstantiated", "override_reason": "  "}, agent
        )


def test_an_override_with_a_reason_is_recorded_on_the_timeline(agent, suggested_substantiated):
    payload = {"finding": "partially_substantiated", "override_reason": "夜间来电系客户本人要求回拨"}

    services.verification_finding_check(suggested_substantiated, payload, agent)

    event = CaseEvent.objects.get(kind="conduct_check", data__has_key="override_reason")
    assert event.data == {"suggested_finding": "substantiated", "finding": "partially_substantiated",
                          "override_reason": "夜间来电系客户本人要求回拨"}
    assert event.actor == agent


def test_without_a_check_any_finding_passes(agent, conduct_case):
    services.verification_finding_check(conduct_case, {"finding": "unsubstantiated"}, agent)


def test_a_check_without_contacts_suggests_nothing_to_override(agent, conduct_case):
    services.conduct_check_record(case=conduct_case, actor=agent)

    services.verification_finding_check(conduct_case, {"finding": "unsubstantiated"}, agent)
