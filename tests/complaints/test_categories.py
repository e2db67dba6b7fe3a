"""Categories are data, seeded by a data migration from the source document."""

import pytest
from django.utils import translation

from complaints.models import Category

pytestmark = pytest.mark.django_db


def test_categories_are_seeded_with_their_codes():
    assert list(Category.objects.values_list("code", flat=True)) == [
        "collection_conduct", "fee_dispute", "repayment_plan", "privacy",
        "wrong_information", "staff_attitude", "business_process", "other",
    ]


def test_categories_carry_chinese_and_english_names():
    category = Category.objects.get(code="privacy")

    assert (category.name_zh, category.name_en) == ("个人信息保护", "Personal-information concern")


def test_category_name_follows_the_active_language():
    with translation.override("en"):
        assert Category.objects.get(code="fee_dispute").name == "Late-fee dispute"
