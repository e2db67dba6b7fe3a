from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from common.history import ConfigHistory
from contingency.choices import VersionStatus


def _localised(zh: str, en: str) -> str:
    return en if en and (get_language() or "").startswith("en") else zh


class Playbook(models.Model):
    """The stable identity of an emergency plan (应急方案); its content lives in versions.

    `category` NULL means the playbook applies to cases of every category (the mass-complaint
    playbook counts its volume per category).
    """

    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="playbooks",
    )
    code = models.SlugField(_("code"), max_length=60, unique=True, null=True, blank=True)  # noqa: DJ001
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = ConfigHistory()

    class Meta:
        ordering = ["category__sort_order", "id"]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_zh, self.name_en)


class PlaybookVersion(ConcurrentTransitionMixin, models.Model):
    """One version of a playbook: trigger, key points (处理要点) and ordered steps.

    A version is written while it is a draft; once active its content never changes (editing an
    active playbook makes the next version), so an activation keeps the version it started with.
    At most one version per playbook is active (a partial unique constraint).

    `trigger`: {"min_severity"?: str, "risk_flags_any"?: [str], "volume"?: {"count": int,
    "window": seconds}}. `steps`: [{"order", "title", "title_en", "instructions",
    "instructions_en", "department", "due_within": seconds, "required": bool}].
    """

    playbook = models.ForeignKey(
        Playbook, verbose_name=_("playbook"), on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField(_("version"))
    status = FSMField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT, protected=True
    )
    key_points = models.JSONField(_("key points"), default=list, blank=True)
    key_points_en = models.JSONField(_("key points (English)"), default=list, blank=True)
    trigger = models.JSONField(_("trigger"), default=dict, blank=True)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    history = ConfigHistory()

    class Meta:
        ordering = ["playbook", "number"]
        verbose_name = _("playbook version")
        verbose_name_plural = _("playbook versions")
        constraints = [
            models.UniqueConstraint(fields=["playbook", "number"], name="playbook_version_number_unique"),
            models.UniqueConstraint(
                fields=["playbook"], condition=Q(status="active"), name="playbook_one_active_version"
            ),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="playbook_version_status_valid"),
        ]
        indexes = [models.Index(fields=["status"], name="playbook_version_active", condition=Q(status="active"))]

    def __str__(self) -> str:
        return f"{self.playbook} v{self.number}"

    @property
    def key_points_display(self) -> list[str]:
        lang_en = (get_language() or "").startswith("en")
        return self.key_points_en if lang_en and self.key_points_en else self.key_points

    @transition(field=status, source=VersionStatus.DRAFT, target=VersionStatus.ACTIVE)
    def activate(self, *, at) -> None:
        self.activated_at = at

    @transition(field=status, source=[VersionStatus.ACTIVE, VersionStatus.DRAFT], target=VersionStatus.RETIRED)
    def retire(self, *, at) -> None:
        self.retired_at = at
