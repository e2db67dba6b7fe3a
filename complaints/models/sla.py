from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory
from complaints.choices import CalendarMode, Severity


class SlaPolicy(models.Model):
    """How fast a case of one category and severity must be handled (docs/api-guide.md sla-policies)."""

    category = models.ForeignKey(
        "complaints.Category", on_delete=models.PROTECT, related_name="sla_policies", db_index=False
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

    history = ConfigHistory()

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
