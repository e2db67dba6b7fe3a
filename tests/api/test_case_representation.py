"""The case's API shape: CaseSerializer writes its fields out by hand (for speed); it must give
exactly what its declared fields render, for a case in every state, as read and as just created."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework import serializers

from complaints import selectors
from complaints.api.serializers import CaseSerializer
from complaints.models import ComplaintCase
from tests.factories import HAPPY_PATH, advance, make_case

pytestmark = pytest.mark.django_db


def _both(case, user) -> tuple[dict, dict]:
    serializer = CaseSerializer(case, context={"request": SimpleNamespace(user=user)})
    return serializer.data, serializers.Serializer.to_representation(serializer, case)


@pytest.mark.parametrize("steps", range(len(HAPPY_PATH) + 1))
def test_a_case_read_back_in_each_state_renders_as_its_declared_fields(agent, steps):
    case = advance(make_case(actor=agent, risk_flags=["media_exposure"]), actor=agent, steps=steps)
    ComplaintCase.objects.filter(pk=case.pk).update(is_breached=True, escalation_level=2)

    written, declared = _both(selectors.case_detail_for(actor=agent, case_id=case.pk), agent)

    assert written == declared


def test_a_case_just_created_renders_as_its_declared_fields(agent):
    case = make_case(actor=agent)

    written, declared = _both(case, agent)

    assert written == declared
    assert written["deadlines"] and written["complainant"]["phone"] == "138****1234"


def test_a_case_without_reference_contact_or_assignee_renders_as_its_declared_fields(agent):
    case = make_case(actor=agent, complainant={"name": "张三", "phone": "", "id_number": "110101199003071233"})
    ComplaintCase.objects.filter(pk=case.pk).update(assignee=None, collection_channel="", external_id="")

    written, declared = _both(selectors.case_detail_for(actor=agent, case_id=case.pk), agent)

    assert written == declared
    assert (written["assignee"], written["complainant"]["phone"]) == (None, "")
