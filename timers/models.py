"""Deadline rows on any subject, the escalation steps fired for them, and the business calendar."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory
from timers.choices import DeadlineState


class Deadline(models.Model):
    """A timer on a subject (a case stage, a contingency task). The row is the timer; the sweep
    reads `next_check_at`, and the subject's registered handler says what fires when."""

    # Indexed by timers_deadline_subject_kind, which begins with it.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.BigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # Free text: each subject type names its own clocks (acknowledge, final_answer, task, …).
    kind = models.CharField(_("kind"), max_length=30)
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
    # Set while the clock is stopped; resuming shifts due_at and warn_at.
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
                name="timers_deadline_due_sweep",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["content_type", "object_id", "kind"], name="timers_deadline_subject_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(state="pending"),
                name="timers_deadline_one_pending_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M}"


class EscalationStep(models.Model):
    """One rung of a deadline's ladder, fired once: the unique (deadline, level) is the guard."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="steps", db_index=False)
    level = models.PositiveSmallIntegerField(_("level"))
    fired_at = models.DateTimeField(_("fired at"), auto_now_add=True)

    class Meta:
        ordering = ["deadline", "level"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="timers_escalation_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} {self.level}"


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday: a public holiday or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    history = ConfigHistory()

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

    history = ConfigHistory()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)
