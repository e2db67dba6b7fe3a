from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory
from contingency.choices import Department, MemberRole


class GroupMember(models.Model):
    """A member of the emergency group (应急小组): a department head or their deputy."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="emergency_membership"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    department = models.CharField(_("department"), max_length=30, choices=Department.choices)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    history = ConfigHistory()  # an emergency-group role is a role too

    class Meta:
        ordering = ["role", "department", "id"]
        verbose_name = _("emergency group member")
        verbose_name_plural = _("emergency group members")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=MemberRole.values), name="member_role_valid"),
            models.CheckConstraint(condition=Q(department__in=Department.values), name="member_department_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_department_display()})"


class DutyShift(models.Model):
    """One on-duty shift (值班) of a group member; shifts may overlap (several on duty at once)."""

    member = models.ForeignKey(GroupMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="shift_ends_starts")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.member} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class TrainingRecord(models.Model):
    """Who was trained (加强培训) on which playbook version, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="emergency_trainings",
        db_index=False,
    )
    playbook_version = models.ForeignKey(
        "contingency.PlaybookVersion", verbose_name=_("playbook version"), on_delete=models.PROTECT,
        related_name="training_records",
    )
    trained_at = models.DateTimeField(_("trained at"))
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.UniqueConstraint(fields=["user", "playbook_version"], name="training_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.playbook_version}"
