"""Repeat complaints: the same phone or ID number within 90 days, found by the blind index."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_case

pytestmark = pytest.mark.django_db

OTHER_ID = "11010519491231002X"  # valid check digit


def _days_ago(days: int) -> str:
    return (timezone.now() - timedelta(days=days)).isoformat()


def test_first_complaint_is_not_a_repeat(agent):
    assert make_case(actor=agent).is_repeat is False


def test_same_phone_within_90_days_is_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(30), complainant={"name": "张三", "phone": "13800001234"})

    case = make_case(actor=agent, complainant={"name": "张三", "phone": "13800001234"})

    assert case.is_repeat is True


def test_same_id_number_with_another_phone_is_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(10), complainant={"name": "王五", "id_number": OTHER_ID})

    case = make_case(actor=agent, complainant={"name": "王五", "phone": "13711112222", "id_number": OTHER_ID})

    assert case.is_repeat is True


def test_same_phone_written_with_spaces_is_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(1), complainant={"name": "张三", "phone": "13800001234"})

    case = make_case(actor=agent, complainant={"name": "张三", "phone": "138 0000 1234"})

    assert case.is_repeat is True


def test_lowercase_id_check_letter_is_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(1), complainant={"name": "王五", "id_number": OTHER_ID})

    case = make_case(actor=agent, complainant={"name": "王五", "id_number": OTHER_ID.lower()})

    assert case.is_repeat is True


def test_same_phone_more_than_90_days_ago_is_not_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(91), complainant={"name": "张三", "phone": "13800001234"})

    case = make_case(actor=agent, complainant={"name": "张三", "phone": "13800001234"})

    assert case.is_repeat is False


def test_different_phone_and_id_is_not_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(5), complainant={"name": "张三", "phone": "13800001234"})

    case = make_case(actor=agent, complainant={"name": "李四", "phone": "13900005678"})

    assert case.is_repeat is False


def test_repeat_is_found_across_teams(agent, agent_b):
    make_case(actor=agent_b, received_at=_days_ago(5), complainant={"name": "张三", "phone": "13800001234"})

    case = make_case(actor=agent, complainant={"name": "张三", "phone": "13800001234"})

    assert case.is_repeat is True


def test_same_mobile_with_country_code_is_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(2), complainant={"name": "张三", "phone": "13800001234"})

    case = make_case(actor=agent, complainant={"name": "张三", "phone": "+86 138 0000 1234"})

    assert case.is_repeat is True


def test_same_landline_with_or_without_hyphen_is_a_repeat(agent):
    make_case(actor=agent, received_at=_days_ago(2), complainant={"name": "赵六", "phone": "010-62345678"})

    case = make_case(actor=agent, complainant={"name": "赵六", "phone": "01062345678"})

    assert case.is_repeat is True
