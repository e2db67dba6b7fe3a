"""Outbound webhooks: subscriptions, the events sent to them, and each delivery with its attempts.

The database is the source of truth for deliveries: a `Delivery` row exists before any task is
enqueued, so a broker outage or a crashed worker delays a delivery but never loses it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory
from common.pii import decrypt, encrypt


class EventType(models.TextChoices):
    CASE_CREATED = "case.created", _("Case created")
    CASE_TRANSITIONED = "case.transitioned", _("Case transitioned")
    CASE_ESCALATED = "case.escalated", _("Case escalated")
    ACTIVATION_CREATED = "activation.created", _("Emergency activation created")
    ACTIVATION_TRANSITIONED = "activation.transitioned", _("Emergency activation transitioned")


class Subscription(models.Model):
    """A receiver URL and the event types it wants. Deleting through the API deactivates it."""

    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # The signing secret is stored encrypted with the personal-data keys; read it via `secret`.
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    # The secret stays out of the history (not even encrypted: old keys must be droppable).
    history = ConfigHistory(excluded_fields=["secret_encrypted"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [models.Index(fields=["is_active"], name="webhook_sub_active")]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = encrypt(value)


class Event(models.Model):
    """One thing that happened, as sent to receivers; `id` is the event id they de-duplicate by."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=50, choices=EventType.choices)
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    """One event for one subscription. `next_attempt_at` is the timer; NULL once settled."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries", db_index=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(
        _("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(state="pending"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="webhook_delivery_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: its HTTP status or the transport error, and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempt_log", db_index=False)
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("webhook delivery attempt")
        verbose_name_plural = _("webhook delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
