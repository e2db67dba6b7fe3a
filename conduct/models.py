"""Collection contact records (the collection system's evidence), conduct rules as data, and
the checks that judge a case's contacts against the rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory
from common.pii import EncryptedField, PiiKind
from conduct.choices import ContactChannel, ContactDirection, ContactOutcome, ContactParty, RuleKind


class CollectionContact(models.Model):
    """One call, SMS, visit or letter of the collection system, as its API client sent it.

    Written once by the import (idempotent on the client's `source_id`), never edited. The
    account reference and the contacted number are personal data: encrypted, matched through
    their blind indexes.
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    source_id = models.CharField(_("source ID"), max_length=100)
    account_reference = EncryptedField(_("account reference"), pii_kind=PiiKind.ACCOUNT)
    account_index = models.CharField(max_length=64, editable=False)
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=ContactDirection.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=ContactOutcome.choices)
    party = models.CharField(_("party"), max_length=20, choices=ContactParty.choices)
    contacted_number = EncryptedField(_("contacted number"), pii_kind=PiiKind.PHONE)
    contacted_number_index = models.CharField(max_length=64, blank=True, editable=False)
    consented_contact = models.BooleanField(_("contact consented by the customer"), default=False)
    collector = models.CharField(_("collector"), max_length=100)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    collectors_present = models.PositiveSmallIntegerField(_("collectors present"), null=True, blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection contact")
        verbose_name_plural = _("collection contacts")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["account_index", "at"], name="contact_account_at")]
        constraints = [
            models.UniqueConstraint(fields=["client", "source_id"], name="contact_source_unique_per_client"),
            models.CheckConstraint(condition=Q(channel__in=ContactChannel.values), name="contact_channel_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=ContactDirection.values), name="contact_direction_valid"
            ),
            models.CheckConstraint(condition=Q(outcome__in=ContactOutcome.values), name="contact_outcome_valid"),
            models.CheckConstraint(condition=Q(party__in=ContactParty.values), name="contact_party_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.get_channel_display()} {self.at:%Y-%m-%d %H:%M}"


class ConductRule(models.Model):
    """A rule of the collection guideline; admins change its numbers and switch it on and off."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=RuleKind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = ConfigHistory()

    class Meta:
        verbose_name = _("conduct rule")
        verbose_name_plural = _("conduct rules")
        ordering = ["sort_order", "code"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="rule_kind_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese unless the interface is English)."""
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class ConductCheck(models.Model):
    """One run of the enabled rules over the contacts of a case's account in a window."""

    # Indexed by check_case_latest (case first).
    case = models.ForeignKey(
        "complaints.ComplaintCase", on_delete=models.PROTECT, related_name="conduct_checks", db_index=False
    )
    checked_at = models.DateTimeField(_("checked at"))
    window_since = models.DateTimeField(_("window from"))
    window_until = models.DateTimeField(_("window until"))
    contacts_checked = models.PositiveIntegerField(_("contacts checked"), default=0)
    # [{"rule": code, "detail": text, "contacts": [source_id, ...]}]
    breaches = models.JSONField(_("breaches"), default=list, blank=True)
    suggested_finding = models.CharField(_("suggested finding"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("conduct check")
        verbose_name_plural = _("conduct checks")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["case", "-id"], name="check_case_latest")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.checked_at:%Y-%m-%d %H:%M}"


class ConductBreach(models.Model):
    """One breach of a check, as a row for the statistics (a GROUP BY, not a JSON scan).

    `contact` is the contact that broke the rule (for a count, the one over the limit); the
    breach counts in its month. Only the latest check of a case is `is_current`.
    """

    check_run = models.ForeignKey(ConductCheck, on_delete=models.CASCADE, related_name="breach_rows")
    case = models.ForeignKey("complaints.ComplaintCase", on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(_("rule"), max_length=50)
    contact = models.ForeignKey(CollectionContact, on_delete=models.PROTECT, related_name="+")
    collector = models.CharField(_("collector"), max_length=100)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"))
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("conduct breach")
        verbose_name_plural = _("conduct breaches")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at"], name="breach_current_at", condition=Q(is_current=True)),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.at:%Y-%m-%d %H:%M}"
