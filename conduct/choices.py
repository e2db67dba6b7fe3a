"""Enumerations of collection contacts and conduct rules; codes are the API guide's."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContactChannel(models.TextChoices):
    CALL = "call", _("Call")
    SMS = "sms", pgettext_lazy("contact channel", "SMS")
    VISIT = "visit", _("Visit")
    LETTER = "letter", pgettext_lazy("contact channel", "Letter")


class ContactDirection(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class ContactOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    UNANSWERED = "unanswered", _("Unanswered")
    BUSY = "busy", _("Busy")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Delivered")


class ContactParty(models.TextChoices):
    DEBTOR = "debtor", _("Debtor")
    GUARANTOR = "guarantor", _("Guarantor")
    SPOUSE = "spouse", _("Spouse")
    RELATIVE = "relative", _("Relative")
    EMPLOYER = "employer", _("Employer")
    EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")
    THIRD_PARTY = "third_party", _("Unrelated third party")


# The guideline allows contacting the debtor, the guarantor and the spouse only.
RELATED_PARTIES = (ContactParty.DEBTOR, ContactParty.GUARANTOR, ContactParty.SPOUSE)
# A call that nobody picked up counts as an unanswered attempt.
UNANSWERED_OUTCOMES = (ContactOutcome.UNANSWERED, ContactOutcome.BUSY)


class RuleKind(models.TextChoices):
    QUIET_HOURS = "quiet_hours", _("No calls or visits in quiet hours")
    DAILY_UNANSWERED_ATTEMPTS = "daily_unanswered_attempts", _("Unanswered call attempts per day")
    UNRELATED_THIRD_PARTY = "unrelated_third_party", _("No contact with unrelated parties")
    VISIT_COLLECTORS = "visit_collectors", _("Collectors present at a visit")
    ATTEMPTS_IN_DAYS = "attempts_in_days", _("Call attempts in a rolling period")
