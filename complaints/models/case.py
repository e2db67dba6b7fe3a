from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from common.pii import EncryptedField, PiiKind
from complaints.choices import (
    OPEN_STATES,
    SEVERITY_RANK,
    ActionType,
    CaseState,
    Channel,
    CollectionChannel,
    Finding,
    RiskFlag,
    Severity,
)
from complaints.validators import validate_id_number, validate_phone

RECEIVED_AT_SKEW = timedelta(minutes=5)


def _is_assigned(case) -> bool:
    return case.assignee_id is not None


def _has_finding(case) -> bool:
    return bool(case.verification_finding)


def _has_customer_demand(case) -> bool:
    return bool(case.customer_demand)


def _has_resolution(case) -> bool:
    return bool(case.resolution_summary)


def _has_feedback(case) -> bool:
    return case.satisfaction is not None


class ComplaintCase(ConcurrentTransitionMixin, models.Model):
    """A complaint moving through 接诉 → 核实 → 沟通 → 处理 → 反馈 → 跟踪.

    Transitions only set fields on the case; `complaints.services` runs them in a transaction
    with their timeline entries and side effects, and `complaints.transitions` says who may
    fire each. `ConcurrentTransitionMixin` turns a second,
    concurrent firing from the same source state into `ConcurrentTransition`.
    """

    # NULL only inside the creating transaction: the reference derives from the primary key.
    # On PostgreSQL, case_reference_prefix (migration 0018) serves LIKE 'prefix%' and Django's own
    # `_like` index of the column is dropped (migration 0023).
    reference = models.CharField(_("reference"), max_length=32, unique=True, null=True, editable=False)  # noqa: DJ001
    state = FSMField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.INTAKE, protected=True
    )
    # No index of their own for category, team, assignee and created_by: the composite indexes in
    # Meta begin with them (tests/test_indexes.py), and each index costs every write of a case.
    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases",
        db_index=False,
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    # Stored so that "most severe first" is an index scan, not a sort of every visible case.
    severity_rank = models.GeneratedField(
        expression=Case(
            *(When(severity=code, then=Value(rank)) for code, rank in SEVERITY_RANK.items()),
            default=Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    complainant_name = EncryptedField(_("complainant name"), pii_kind=PiiKind.NAME)
    complainant_phone = EncryptedField(
        _("complainant phone"), pii_kind=PiiKind.PHONE, validators=[validate_phone]
    )
    complainant_id_number = EncryptedField(
        _("complainant ID number"), pii_kind=PiiKind.ID_NUMBER, validators=[validate_id_number]
    )
    complainant_email = EncryptedField(_("complainant e-mail"), pii_kind=PiiKind.EMAIL)
    account_reference = EncryptedField(_("account reference"), pii_kind=PiiKind.ACCOUNT)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    # Blind index of the account reference: collection contacts of the account are matched by it.
    account_index = models.CharField(max_length=64, blank=True, editable=False)

    collection_channel = models.CharField(
        _("collection channel"), max_length=20, choices=CollectionChannel.choices, blank=True
    )
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="created_cases",
        editable=False,
        db_index=False,
    )

    is_repeat = models.BooleanField(_("repeat complaint"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # In no index of this table, so that the sweep's update of it is a HOT update; the
    # dashboard's breached list reads OpenBreach, kept from it by triggers.
    is_breached = models.BooleanField(_("breached"), default=False)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # The SLA policy's terms when the case was created: a policy applies to cases created after
    # it is saved, so later stage deadlines use this copy (complaints.sla.case_sla_terms).
    sla_terms = models.JSONField(_("SLA terms"), default=dict, blank=True, editable=False)
    # The case's timers (`timers.Deadline` rows on it); `Deadline.objects.filter(case=...)` works too.
    deadlines = GenericRelation("timers.Deadline", related_query_name="case")
    version = models.PositiveIntegerField(_("version"), default=1)

    verification_finding = models.CharField(
        _("verification finding"), max_length=30, choices=Finding.choices, blank=True
    )
    verification_notes = models.TextField(_("verification notes"), max_length=10000, blank=True)
    customer_demand = models.TextField(_("customer demand"), max_length=10000, blank=True)
    resolution_summary = models.TextField(_("resolution summary"), max_length=10000, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    accepted = models.BooleanField(_("customer accepted"), null=True, blank=True)
    feedback_comment = models.TextField(_("feedback comment"), max_length=10000, blank=True)
    closing_notes = models.TextField(_("closing notes"), max_length=10000, blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), max_length=10000, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["team", "state", "-received_at"], name="case_team_state_recv"),
            models.Index(fields=["state", "-received_at"], name="case_state_recv"),
            models.Index(fields=["-received_at", "-id"], name="case_recv_id"),
            models.Index(fields=["category", "-received_at"], name="case_cat_recv"),
            models.Index(fields=["assignee", "state"], name="case_assignee_state"),
            models.Index(fields=["phone_index", "received_at"], name="case_phone_idx"),
            models.Index(fields=["id_number_index", "received_at"], name="case_idnum_idx"),
            models.Index(fields=["account_index"], name="case_account_idx", condition=~Q(account_index="")),
            models.Index(fields=["created_by", "-received_at"], name="case_creator_recv"),
            models.Index(fields=["-created_at", "-id"], name="case_created_id"),
            models.Index(fields=["-severity_rank", "-id"], name="case_severity_rank_id"),
            # Dashboard (complaints.reporting.dashboard): open cases by state/category/severity and
            # per assignee as index-only scans of the open rows, not of a million closed ones.
            models.Index(
                fields=["team", "state", "category", "severity", "assignee"],
                name="case_open_breakdown",
                condition=Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["assignee", "received_at"], name="case_open_assignee_recv", condition=Q(state__in=OPEN_STATES)
            ),
            models.Index(
                fields=["resolved_at"],
                include=["team", "satisfaction", "reopen_count"],
                name="case_resolved_outcome",
                condition=Q(resolved_at__isnull=False),
            ),
            models.Index(fields=["received_at"], include=["team"], name="case_recv_team"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=CaseState.values), name="case_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="case_severity_valid"
            ),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="case_channel_valid"),
            models.CheckConstraint(condition=~Q(summary=""), name="case_summary_present"),
            models.CheckConstraint(
                condition=~Q(complainant_name=""), name="case_complainant_name_present"
            ),
            models.CheckConstraint(
                condition=~Q(phone_index="") | ~Q(id_number_index=""),
                name="case_complainant_contact_present",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_range",
            ),
            models.UniqueConstraint(
                fields=["created_by", "external_id"],
                condition=~Q(external_id=""),
                name="case_external_id_unique_per_client",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def clean_fields(self, exclude=None) -> None:
        # clean_fields re-assigns every field, which the protected state field refuses; only
        # transitions change it, and a check constraint guards its values.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if not self.complainant_name:
            errors["complainant_name"] = [ValidationError(_("The complainant's name is required."), code="required")]
        if not self.complainant_phone and not self.complainant_id_number:
            errors["complainant_phone"] = [ValidationError(_("Give the complainant's phone or ID number."), code="required")]
        unknown = [f for f in self.risk_flags or [] if f not in RiskFlag.values]
        if not isinstance(self.risk_flags, list) or unknown:
            errors["risk_flags"] = [ValidationError(_("Unknown risk flag: %(flags)s") % {"flags": ", ".join(map(str, unknown))}, code="invalid_choice")]
        if self.received_at and self.received_at > timezone.now() + RECEIVED_AT_SKEW:
            errors["received_at"] = [ValidationError(_("The receipt time may not lie in the future."), code="future")]
        if errors:
            raise ValidationError(errors)

    # Transitions: the business verbs of docs/api-guide.md. They set fields on the case only.

    @transition(field=state, source=CaseState.INTAKE, target=CaseState.VERIFY)
    def start_verification(self, *, assignee=None) -> None:
        if assignee is not None:
            self.assignee = assignee

    @transition(
        field=state,
        source=CaseState.VERIFY,
        target=CaseState.COMMUNICATE,
        conditions=[_is_assigned],
    )
    def complete_verification(self, *, finding: str, notes: str) -> None:
        self.verification_finding = finding
        self.verification_notes = notes

    @transition(
        field=state,
        source=CaseState.COMMUNICATE,
        target=CaseState.RESOLVE,
        conditions=[_has_finding],
    )
    def propose_resolution(self, *, customer_demand: str, notes: str = "") -> None:
        self.customer_demand = customer_demand

    @transition(
        field=state,
        source=CaseState.RESOLVE,
        target=CaseState.FEEDBACK,
        conditions=[_has_customer_demand],
    )
    def resolve(self, *, summary: str) -> None:
        self.resolution_summary = summary
        self.resolved_at = timezone.now()

    @transition(
        field=state,
        source=CaseState.FEEDBACK,
        target=CaseState.FOLLOW_UP,
        conditions=[_has_resolution],
    )
    def record_feedback(self, *, satisfaction: int, accepted: bool, comment: str = "") -> None:
        self.satisfaction = satisfaction
        self.accepted = accepted
        self.feedback_comment = comment

    @transition(
        field=state,
        source=CaseState.FOLLOW_UP,
        target=CaseState.CLOSED,
        conditions=[_has_feedback],
    )
    def close(self, *, notes: str) -> None:
        self.closing_notes = notes
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=[CaseState.FEEDBACK, CaseState.FOLLOW_UP, CaseState.CLOSED],
        target=CaseState.COMMUNICATE,
    )
    def reopen(self, *, reason: str) -> None:
        self.reopen_count += 1
        self.closed_at = None
        self.satisfaction = None
        self.accepted = None
        self.resolution_summary = ""
        self.customer_demand = ""

    @transition(field=state, source=OPEN_STATES, target=CaseState.WITHDRAWN)
    def withdraw(self, *, reason: str) -> None:
        self.withdrawal_reason = reason
        self.closed_at = timezone.now()


class ResolutionAction(models.Model):
    """One remedy recorded by `resolve` (repayment plan, fee waiver, apology, ...)."""

    case = models.ForeignKey(ComplaintCase, on_delete=models.PROTECT, related_name="actions")
    type = models.CharField(_("type"), max_length=40, choices=ActionType.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    detail = models.TextField(_("detail"), max_length=10000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resolution action")
        verbose_name_plural = _("resolution actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="action_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(type__in=["fee_waiver", "compensation"]) | Q(amount__isnull=False),
                name="action_amount_required",
            ),
        ]

    def __str__(self) -> str:
        return self.get_type_display()
