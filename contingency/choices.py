"""Enumerations of the contingency domain; labels are those of docs/glossary.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Department(models.TextChoices):
    COMPLIANCE = "compliance", _("Compliance")
    LEGAL = "legal", _("Legal")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    COLLECTION_OPS = "collection_ops", _("Collection operations")
    RISK = "risk", _("Risk")
    IT = "it", _("IT")
    PUBLIC_RELATIONS = "public_relations", _("Public relations")


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    DEPUTY = "deputy", _("Deputy")
    MEMBER = "member", _("Member")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class ActivationState(models.TextChoices):
    # A context of their own: "Resolved" is also a case timeline word with another Chinese term.
    ACTIVATED = "activated", pgettext_lazy("activation state", "Activated")
    RESPONDING = "responding", pgettext_lazy("activation state", "Responding")
    RESOLVED = "resolved", pgettext_lazy("activation state", "Resolved")
    REVIEWED = "reviewed", pgettext_lazy("activation state", "Reviewed")


OPEN_ACTIVATION_STATES = [ActivationState.ACTIVATED, ActivationState.RESPONDING]


class ActivationTrigger(models.TextChoices):
    AUTO = "auto", _("Automatic")
    MANUAL = "manual", _("Manual")


class LinkReason(models.TextChoices):
    TRIGGER = "trigger", _("Trigger matched")
    VOLUME = "volume", _("Volume spike")
    ESCALATION = "escalation", _("Escalated to the emergency group")
    MANUAL = "manual", _("Added by hand")


class ActivationEventKind(models.TextChoices):
    ACTIVATED = "activated", _("Activated")
    TRANSITION = "transition", _("State change")
    COMMENT = "comment", _("Comment")
    TASK_COMPLETED = "task_completed", _("Task completed")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
    CASE_LINKED = "case_linked", _("Case linked")
    REVIEW = "review", _("Review")
