from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

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
