"""SLA policies: how fast a case of one category and severity must be handled.

A policy applies to cases created after it is saved: each case keeps a copy of the terms it
started with (`complaints.sla.SlaTerms`). The request is validated by the API's input
serializer; these services check the permission and the one-per-(category, severity) rule.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, ValidationFailed
from complaints.models import Category, SlaPolicy

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class SlaPolicyTerms(TypedDict, total=False):
    acknowledge_within: timedelta
    verify_within: timedelta
    final_answer_within: timedelta
    follow_up_within: timedelta
    calendar: str
    warn_ratio: float
    emergency_after: timedelta


class SlaPolicyChanges(SlaPolicyTerms, total=False):
    category: Category
    severity: str


def sla_policy_require_writer(actor: User) -> None:
    """ActionNotPermitted unless the actor may change SLA policies (views check it before the body)."""
    if not actor.has_perm("complaints.change_sla_policy"):
        raise ActionNotPermitted(_("Only supervisors and administrators may change SLA policies."))


def _save_policy(policy: SlaPolicy) -> SlaPolicy:
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        if "sla_one_per_category_severity" in str(exc):
            raise ValidationFailed.single(
                "severity", "unique", _("A policy for this category and severity exists already.")
            ) from exc
        raise
    return policy


def sla_policy_create(*, actor: User, category: Category, severity: str, **terms: Unpack[SlaPolicyTerms]) -> SlaPolicy:
    """Create the policy of one (category, severity); unset terms take the model defaults.

    Applies to cases created afterwards. Raises ActionNotPermitted, ValidationFailed (a policy
    for the pair exists).
    """
    sla_policy_require_writer(actor)
    policy = _save_policy(SlaPolicy(category=category, severity=severity, **terms))
    logger.info("sla policy created", extra={"policy_id": policy.pk, "actor_id": actor.pk})
    return policy


def sla_policy_update(*, actor: User, policy_id: int, **changes: Unpack[SlaPolicyChanges]) -> SlaPolicy:
    """Change some fields of a policy; cases created before keep the terms they started with.

    Raises ActionNotPermitted, NotFound, ValidationFailed (the new pair has a policy already).
    """
    from complaints.selectors import sla_policy_get

    sla_policy_require_writer(actor)
    policy = sla_policy_get(actor=actor, policy_id=policy_id)
    for key, value in changes.items():
        setattr(policy, key, value)
    _save_policy(policy)
    logger.info("sla policy updated", extra={"policy_id": policy.pk, "actor_id": actor.pk})
    return policy
