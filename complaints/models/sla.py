from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import CalendarMode, DeadlineKind, DeadlineState, Severity


class SlaPolicy(models.Model):
    """How fast a case of one category and severity must be handled (docs/api-guide.md sla-policies)."""

    category = models.ForeignKey(
        "complaints.Category", on_delete=models.PROTECT, related_name="sla_policies"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    acknowledge_within = models.DurationField(_("acknowledge within"), default=timedelta(days=1))
    verify_within = models.DurationField(_("verify within"), default=timedelta(days=5))
    final_answer_within = models.DurationField(_("final answer within"), default=timedelta(days=15))
    follow_up_within = models.DurationField(_("follow-up within"), default=timedelta(days=7))
    calendar = models.CharField(
        _("calendar"), max_length=20, choices=CalendarMode.choices, default=CalendarMode.CALENDAR
    )
    warn_ratio = models.FloatField(_("warn ratio"), default=0.75)
    emergency_after = models.DurationField(
        _("escalate to emergency group after breach"), default=timedelta(days=1)
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["category__sort_order", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["category", "severity"], name="sla_one_per_category_severity"),
            models.CheckConstraint(
                condition=Q(warn_ratio__gt=0, warn_ratio__lt=1), name="sla_warn_ratio_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.get_severity_display()}"


class Deadline(models.Model):
    """A timer on a case stage. The database row is the timer; the sweep reads `next_check_at`."""

    case = models.ForeignKey(
        "complaints.ComplaintCase", on_delete=models.PROTECT, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=DeadlineState.choices, default=DeadlineState.PENDING
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    # When the sweep must next look at this row; NULL once nothing more can fire.
    next_check_at = models.DateTimeField(null=True, blank=True)
    breached = models.BooleanField(_("breached"), default=False)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    # Set while the clock is stopped waiting for the customer; resuming shifts due_at and warn_at.
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="deadline_due_sweep",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["case", "kind"], name="deadline_case_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(state="pending"),
                name="deadline_one_pending_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"


class EscalationStep(models.Model):
    """One rung of the ladder fired for one deadline; the unique constraint makes it fire once."""

    class Level(models.IntegerChoices):
        WARN = 1, _("Warning")
        SUPERVISOR = 2, _("Supervisor")
        EMERGENCY = 3, _("Emergency group")

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="steps")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    fired_at = models.DateTimeField(_("fired at"), auto_now_add=True)

    class Meta:
        ordering = ["deadline", "level"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="escalation_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} {self.get_level_display()}"


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday: a public holiday or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarYear(models.Model):
    """A year whose holiday schedule is loaded; other years count Monday–Friday and warn."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)
