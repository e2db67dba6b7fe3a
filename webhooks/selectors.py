"""Reads of webhook subscriptions and deliveries (callers check the admin role first)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from common.exceptions import NotFound
from webhooks.models import Delivery, Subscription


def subscription_list() -> QuerySet[Subscription]:
    """Active subscriptions; deactivated ones stay in the database for the delivery history."""
    return Subscription.objects.filter(is_active=True)


def subscription_get(*, subscription_id: int) -> Subscription:
    subscription = subscription_list().filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound(_("No such webhook subscription."))
    return subscription


def delivery_list_for_subscription(*, subscription_id: int) -> QuerySet[Delivery]:
    """Deliveries of one subscription (active or not), each with its event and attempts."""
    if not Subscription.objects.filter(pk=subscription_id).exists():
        raise NotFound(_("No such webhook subscription."))
    return (
        Delivery.objects.filter(subscription_id=subscription_id)
        .select_related("event")
        .prefetch_related("attempt_log")
    )
