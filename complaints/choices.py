"""Enumerations of the complaints domain; codes are the API's, labels those of docs/glossary.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The deadline states and calendar modes are the timers app's; re-exported for the complaints code.
from timers.choices import CalendarMode, DeadlineState  # noqa: F401


class CaseState(models.TextChoices):
    INTAKE = "intake", _("Intake")
    VERIFY = "verify", _("Verification")
    COMMUNICATE = "communicate", _("Communication")
    RESOLVE = "resolve", _("Resolution")
    FEEDBACK = "feedback", _("Feedback")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = [
    CaseState.INTAKE,
    CaseState.VERIFY,
    CaseState.COMMUNICATE,
    CaseState.RESOLVE,
    CaseState.FEEDBACK,
    CaseState.FOLLOW_UP,
]


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.LOW: 0, Severity.NORMAL: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class RiskFlag(models.TextChoices):
    REGULATOR_REFERRAL = "regulator_referral", _("Regulator referral")
    MEDIA_EXPOSURE = "media_exposure", _("Media exposure")
    SELF_HARM_RISK = "self_harm_risk", _("Self-harm risk")
    VIOLENCE_THREAT = "violence_threat", _("Threat of violence")
    MASS_COMPLAINT = "mass_complaint", _("Mass complaint")
    LITIGATION_THREAT = "litigation_threat", _("Litigation threat")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    REGULATOR = "regulator", _("Regulator")
    SOCIAL_MEDIA = "social_media", _("Social media")


class CollectionChannel(models.TextChoices):
    PHONE = "phone", _("Phone collection")
    SMS = "sms", _("SMS collection")
    VISIT = "visit", _("Home visit")
    THIRD_PARTY = "third_party", _("Third-party contact")
    LETTER = "letter", _("Letter collection")
    OTHER = "other", _("Other")


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTIALLY_SUBSTANTIATED = "partially_substantiated", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")


class ActionType(models.TextChoices):
    REPAYMENT_PLAN_ADJUSTMENT = "repayment_plan_adjustment", _("Repayment plan adjusted")
    FEE_WAIVER = "fee_waiver", _("Late fees waived")
    COLLECTION_METHOD_CHANGE = "collection_method_change", _("Collection method changed")
    INFO_CORRECTION = "info_correction", _("Information corrected")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    EXPLANATION = "explanation", _("Policy explained")


AMOUNT_REQUIRED_ACTIONS = {ActionType.FEE_WAIVER, ActionType.COMPENSATION}


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("Transition")
    NOTE = "note", _("Note")
    COMMUNICATION = "communication", _("Communication")
    ATTACHMENT = "attachment", _("Attachment")
    DEADLINE_WARNING = "deadline_warning", _("Deadline warning")
    DEADLINE_BREACH = "deadline_breach", _("Deadline breach")
    EXTENSION = "extension", _("Extension")
    ESCALATION = "escalation", _("Escalation")
    ACTIVATION = "activation", _("Activation")
    ASSIGNMENT = "assignment", _("Assignment")
    UPDATE = "update", _("Update")
    CONDUCT_CHECK = "conduct_check", _("Conduct check")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    LEFT_MESSAGE = "left_message", _("Left message")
    REFUSED = "refused", _("Refused")


class DeadlineKind(models.TextChoices):
    # A context of their own: "Follow-up" is also a state, and the Chinese words differ (回访时限).
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("deadline kind", "Acknowledge")
    VERIFY = "verify", pgettext_lazy("deadline kind", "Verify")
    FINAL_ANSWER = "final_answer", pgettext_lazy("deadline kind", "Final answer")
    FOLLOW_UP = "follow_up", pgettext_lazy("deadline kind", "Follow-up")


class EscalationLevel(models.IntegerChoices):
    """The rungs of a case deadline's ladder (`timers.EscalationStep.level`)."""

    WARN = 1, _("Warning")
    SUPERVISOR = 2, _("Supervisor")
    EMERGENCY = 3, _("Emergency group")
