from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.history import ConfigHistory
from common.models import AppendOnlyModel

from .roles import Role


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = ConfigHistory()  # teams decide who sees which cases

    class Meta:
        ordering = ["code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Agents belong to their team(s); supervisors to every team they supervise."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("work phone"), max_length=30, blank=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="members", verbose_name=_("teams"))

    # Roles are groups: their membership, direct permissions and teams are kept with each change.
    # The password hash and the login time stay out (a login writes no history row).
    history = ConfigHistory(
        excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions", "teams"]
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]  # lazy text, as Django expects
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user is in one of the role groups (cached per instance)."""
        if not self.is_active:
            return False
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return any(str(role) in self._role_names for role in roles)

    @property
    def team_ids(self) -> list[int]:
        if not hasattr(self, "_team_ids"):
            self._team_ids = list(self.teams.values_list("pk", flat=True))
        return self._team_ids


class ConfigChange(AppendOnlyModel):
    """One change of a configuration row as auditors read it: who, when, which fields, before/after.

    Written by `accounts.audit` from each django-simple-history row, in the same transaction;
    `changes` is `[{"field", "before", "after"}]` with secrets masked. Append-only (a trigger).
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    model = models.CharField(_("model"), max_length=100)  # app_label.modelname
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=list)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("configuration change")
        verbose_name_plural = _("configuration changes")
        indexes = [models.Index(fields=["model", "object_id", "at"], name="configchange_object")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_repr} {self.at:%Y-%m-%d %H:%M}"
