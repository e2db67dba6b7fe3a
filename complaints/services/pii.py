"""Reading a case's personal data unmasked: the one way, checked and logged."""

from __future__ import annotations

import logging
from typing import Any

from common.pii import reveal
from complaints.models import PiiAccessLog
from complaints.selectors import case_get_for
from complaints.services.cases import case_require

logger = logging.getLogger(__name__)


PII_FIELDS = {
    "name": "complainant_name",
    "phone": "complainant_phone",
    "id_number": "complainant_id_number",
    "email": "complainant_email",
    "account_reference": "account_reference",
}


def case_pii_reveal(*, case_id: int, actor: Any, reason: str) -> dict[str, str]:
    """The one way to read a case's personal data unmasked: checks the role, logs the access.

    Raises NotFound if the case is not visible, ActionNotPermitted for roles that may not see
    personal data.
    """
    case = case_get_for(actor=actor, case_id=case_id)
    case_require(actor=actor, permission="complaints.view_pii", case=case)
    PiiAccessLog.objects.create(case=case, user=actor, reason=reason, fields=sorted(PII_FIELDS))
    logger.info("pii revealed", extra={"case_id": case.pk, "user_id": actor.pk})
    return {key: reveal(getattr(case, field)) for key, field in PII_FIELDS.items()}


