"""Validators for complainant data (docs/api-guide.md "Basics")."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.pii import reveal

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
INTERNATIONAL_RE = re.compile(r"^\+[1-9]\d{6,14}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", value or "")


def validate_phone(value) -> None:
    phone = normalise_phone(reveal(value))
    if not phone:
        return
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone) or INTERNATIONAL_RE.match(phone)):
        raise ValidationError(
            _("Enter a mainland mobile (11 digits), a landline with area code, or + and an international number."),
            code="invalid_phone",
        )


def id_number_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value) -> None:
    number = reveal(value).strip().upper()
    if not number:
        return
    invalid = ValidationError(
        _("Enter an 18-character resident ID number with a valid check digit."),
        code="invalid_id_number",
    )
    if not ID_NUMBER_RE.match(number):
        raise invalid
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise invalid from None
    if id_number_check_digit(number[:17]) != number[17]:
        raise invalid
