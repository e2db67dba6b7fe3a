from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from common.models import AppendOnlyModel
from contingency.choices import (
    OPEN_ACTIVATION_STATES,
    ActivationEventKind,
    ActivationState,
    ActivationTrigger,
    Department,
    LinkReason,
)


class Activation(ConcurrentTransitionMixin, models.Model):
    """One emergency response (应急响应) run from a playbook version.

    Open (activated or responding) real activations are unique per (playbook, category): a case
    matching a playbook that is already responding joins that activation, and the partial unique
    constraint decides between concurrent openers. Drills never block nor join real ones.
    """

    playbook = models.ForeignKey(
        "contingency.Playbook", verbose_name=_("playbook"), on_delete=models.PROTECT, related_name="activations"
    )
    playbook_version = models.ForeignKey(
        "contingency.PlaybookVersion", verbose_name=_("playbook version"), on_delete=models.PROTECT,
        related_name="activations",
    )
    # The category the activation responds to (a category-wide playbook's spike is per category).
    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    state = FSMField(
        _("state"), max_length=12, choices=ActivationState.choices, default=ActivationState.ACTIVATED,
        protected=True,
    )
    is_drill = models.BooleanField(_("drill"), default=False)
    trigger = models.CharField(_("trigger"), max_length=10, choices=ActivationTrigger.choices)
    cases = models.ManyToManyField(
        "complaints.ComplaintCase", through="contingency.ActivationCase", related_name="+", blank=True
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_activations",
    )
    note = models.TextField(_("note"), max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(_("activated at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    override_reason = models.TextField(_("override reason"), max_length=10000, blank=True)

    class Meta:
        ordering = ["-activated_at", "-id"]
        verbose_name = _("activation")
        verbose_name_plural = _("activations")
        indexes = [models.Index(fields=["-activated_at", "-id"], name="activation_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "category"],
                condition=Q(state__in=OPEN_ACTIVATION_STATES, is_drill=False),
                nulls_distinct=False,
                name="activation_one_open_per_playbook",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ActivationState.values), name="activation_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.playbook}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ACTIVATION_STATES

    @transition(field=state, source=ActivationState.ACTIVATED, target=ActivationState.RESPONDING)
    def acknowledge(self, *, at) -> None:
        self.acknowledged_at = at

    @transition(field=state, source=ActivationState.RESPONDING, target=ActivationState.RESOLVED)
    def resolve(self, *, at, override_reason: str = "") -> None:
        self.resolved_at = at
        self.override_reason = override_reason

    @transition(field=state, source=ActivationState.RESOLVED, target=ActivationState.REVIEWED)
    def submit_review(self, *, at) -> None:
        self.reviewed_at = at


class ActivationCase(models.Model):
    """A customer case covered by an activation (the through table of `Activation.cases`)."""

    # Indexed by activation_case_once (activation first) and activation_case_case.
    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="case_links", db_index=False)
    case = models.ForeignKey("complaints.ComplaintCase", on_delete=models.PROTECT, related_name="+", db_index=False)
    reason = models.CharField(_("reason"), max_length=12, choices=LinkReason.choices)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        ordering = ["activation", "id"]
        verbose_name = _("activation case")
        verbose_name_plural = _("activation cases")
        indexes = [models.Index(fields=["case"], name="activation_case_case")]
        constraints = [models.UniqueConstraint(fields=["activation", "case"], name="activation_case_once")]

    def __str__(self) -> str:
        return f"{self.activation_id} ← {self.case_id}"


class ActivationTask(models.Model):
    """A step of the playbook version copied into the activation, with its due time."""

    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    instructions = models.TextField(_("instructions"), max_length=10000, blank=True)
    instructions_en = models.TextField(_("English instructions"), max_length=10000, blank=True)
    department = models.CharField(_("department"), max_length=30, choices=Department.choices)
    required = models.BooleanField(_("required"), default=True)
    due_at = models.DateTimeField(_("due at"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="emergency_tasks",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    # Set once, when the lead was told the task is overdue.
    overdue_notified_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)

    class Meta:
        ordering = ["activation", "order", "id"]
        verbose_name = _("activation task")
        verbose_name_plural = _("activation tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at <= timezone.now()


class ActivationEvent(AppendOnlyModel):
    """The shared timeline of an activation (完善信息共享): every department writes here.

    Append-only like the case timeline (a PostgreSQL trigger refuses UPDATE and DELETE), so
    neither its activation nor its actor can be deleted from under it.
    """

    activation = models.ForeignKey(Activation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivationEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("department"), max_length=30, choices=Department.choices, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body"), max_length=10000, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["activation", "id"]
        verbose_name = _("activation event")
        verbose_name_plural = _("activation events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summary}"


class Review(models.Model):
    """The summary (总结) after an activation: what happened and how the plan improves."""

    activation = models.OneToOneField(Activation, on_delete=models.PROTECT, related_name="review")
    summary = models.TextField(_("summary"), max_length=10000)
    root_cause = models.TextField(_("root cause"), max_length=10000)
    what_worked = models.TextField(_("what worked"), max_length=10000)
    improvements = models.TextField(_("improvements"), max_length=10000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    proposed_version = models.ForeignKey(
        "contingency.PlaybookVersion", verbose_name=_("proposed version"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.activation}"


class Drill(models.Model):
    """A drill (定期演练): a playbook run in drill mode, scheduled or started by hand."""

    playbook = models.ForeignKey("contingency.Playbook", verbose_name=_("playbook"), on_delete=models.PROTECT, related_name="drills")
    scheduled_for = models.DateTimeField(_("scheduled for"))
    # A recurring drill: starting it schedules the next one this much later (定期演练).
    repeat_every = models.DurationField(_("repeat every"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    activation = models.OneToOneField(Activation, null=True, blank=True, on_delete=models.PROTECT, related_name="drill")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    time_to_acknowledge = models.DurationField(_("time to acknowledge"), null=True, blank=True)
    tasks_on_time_ratio = models.FloatField(_("share of tasks on time"), null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        indexes = [
            models.Index(fields=["scheduled_for"], name="drill_due", condition=Q(started_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.playbook} {self.scheduled_for:%Y-%m-%d %H:%M}"
