"""The workspace's related complaints: the same person by phone or by ID number, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import ComplaintCase
from complaints.selectors import case_related_for
from tests.factories import DEMO_ID_NUMBER, make_case

pytestmark = pytest.mark.django_db

PHONE_ONLY = {"name": "张三", "phone": "13800001234", "id_number": ""}
ID_ONLY = {"name": "张三", "phone": "", "id_number": DEMO_ID_NUMBER}
BOTH = {"name": "张三", "phone": "13800001234", "id_number": DEMO_ID_NUMBER}


def _received(case, days_ago: int):
    ComplaintCase.objects.filter(pk=case.pk).update(received_at=timezone.now() - timedelta(days=days_ago))
    return case


def test_cases_sharing_the_phone_or_the_id_number_are_listed_newest_first(agent):
    by_phone = _received(make_case(actor=agent, complainant=PHONE_ONLY), 3)
    by_id = _received(make_case(actor=agent, complainant=ID_ONLY), 1)
    _received(make_case(actor=agent, complainant={"name": "王五", "phone": "13700000000"}), 2)
    case = make_case(actor=agent, complainant=BOTH)

    assert [c.pk for c in case_related_for(actor=agent, case=case)] == [by_id.pk, by_phone.pk]


def test_a_case_matching_on_both_is_listed_once(agent):
    earlier = make_case(actor=agent, complainant=BOTH)
    case = make_case(actor=agent, complainant=BOTH)

    assert [c.pk for c in case_related_for(actor=agent, case=case)] == [earlier.pk]


def test_the_newest_are_kept_when_there_are_more_than_the_limit(agent):
    older = [_received(make_case(actor=agent, complainant=PHONE_ONLY), 10 + i) for i in range(2)]
    newer = [_received(make_case(actor=agent, complainant=ID_ONLY), 1 + i) for i in range(2)]
    case = make_case(actor=agent, complainant=BOTH)

    related = case_related_for(actor=agent, case=case, limit=3)

    assert [c.pk for c in related] == [newer[0].pk, newer[1].pk, older[0].pk]
