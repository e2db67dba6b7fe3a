"""Reading a case's personal data unmasked: the one way, checked and logged, and watched in bulk."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from common.pii import reveal
from complaints.models import PiiAccessLog
from complaints.selectors import case_get_for
from complaints.services.cases import case_require
from notifications.models import Channel
from notifications.selectors import notification_sent_since
from notifications.services import notify

logger = logging.getLogger(__name__)
User = get_user_model()


PII_FIELDS = {
    "name": "complainant_name",
    "phone": "complainant_phone",
    "id_number": "complainant_id_number",
    "email": "complainant_email",
    "account_reference": "account_reference",
}

# More than this many reveals by one person within the window tell the auditors, once per window.
REVEAL_ALERT_THRESHOLD = 30
REVEAL_ALERT_WINDOW = timedelta(hours=1)
REVEAL_ALERT_KIND = "pii_reveal_burst"


@transaction.atomic
def case_pii_reveal(*, case_id: int, actor: Any, reason: str) -> dict[str, str]:
    """The one way to read a case's personal data unmasked: checks the role, logs the access.

    Raises NotFound if the case is not visible, ActionNotPermitted for roles that may not see
    personal data. Side effect: the reveal that takes the actor past REVEAL_ALERT_THRESHOLD in
    the last hour notifies every auditor (in-app and e-mail, sent after commit), at most once an hour.
    """
    case = case_get_for(actor=actor, case_id=case_id)
    case_require(actor=actor, permission="complaints.view_pii", case=case)
    PiiAccessLog.objects.create(case=case, user=actor, reason=reason, fields=sorted(PII_FIELDS))
    logger.info("pii revealed", extra={"case_id": case.pk, "user_id": actor.pk})
    pii_reveals_watch(actor=actor)
    return {key: reveal(getattr(case, field)) for key, field in PII_FIELDS.items()}


def pii_reveals_watch(*, actor: Any) -> bool:
    """Notify the auditors when `actor` has revealed more than REVEAL_ALERT_THRESHOLD times within
    REVEAL_ALERT_WINDOW and they have not been told about `actor` within that window. Returns
    whether it notified. Runs in the caller's transaction; holds the actor's row lock so that two
    concurrent reveals cannot both decide to notify (or both miss the threshold)."""
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
    since = timezone.now() - REVEAL_ALERT_WINDOW
    count = PiiAccessLog.objects.filter(user=actor, at__gte=since).count()
    if count <= REVEAL_ALERT_THRESHOLD:
        return False
    auditors = list(
        User.objects.filter(is_active=True, groups__name=Role.AUDITOR).values_list("pk", flat=True).distinct()
    )
    if not auditors:
        logger.warning("pii reveal burst with no auditor to tell", extra={"user_id": actor.pk, "reveals": count})
        return False
    data = {"user_id": actor.pk}
    if notification_sent_since(recipients=auditors, kind=REVEAL_ALERT_KIND, since=since, data=data):
        return False
    notify(
        auditors,
        REVEAL_ALERT_KIND,
        _("%(user)s revealed personal data %(count)d times within an hour")
        % {"user": actor.get_username(), "count": count},
        _("More than %(limit)d reveals in an hour. Review the personal-data access log for this user.")
        % {"limit": REVEAL_ALERT_THRESHOLD},
        channels=(Channel.INAPP, Channel.EMAIL),
        data={**data, "reveals": count},
    )
    logger.warning("pii reveal burst", extra={"user_id": actor.pk, "reveals": count, "auditors": len(auditors)})
    return True
