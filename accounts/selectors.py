"""Reads of the accounts app: teams (memoised per process, intake picks a team for every new
case) and the auditors' feed of configuration changes.

Teams change a few times a year; `teams` is cleared on every Team save or delete (this process
at once, the others within 2 s, see `common.memo`).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from accounts.models import ConfigChange, Team, User
from accounts.roles import Role
from common.memo import ProcessMemo

teams = ProcessMemo("accounts.teams")


def _teams_by_pk() -> dict[int, Team]:
    return teams.get("all", lambda: {team.pk: team for team in Team.objects.order_by("pk")})


def team_get(*, team_id: int) -> Team | None:
    """The team with this id, or None (the instance is shared: never change it)."""
    by_pk = _teams_by_pk()
    team = by_pk.get(team_id)
    if team is None and team_id not in by_pk:
        # Created a moment ago in another process: read it (and reload the memo next time).
        teams.discard("all")
        team = _teams_by_pk().get(team_id)
    return team


def team_first(*, team_ids: list[int] | None = None) -> Team | None:
    """The team with the lowest id among `team_ids` (among all teams if None), or None."""
    by_pk = _teams_by_pk()
    candidates = by_pk if team_ids is None else [pk for pk in team_ids if pk in by_pk]
    if team_ids is not None and len(candidates) < len(team_ids):
        teams.discard("all")
        by_pk = _teams_by_pk()
        candidates = [pk for pk in team_ids if pk in by_pk]
    return by_pk[min(candidates)] if candidates else None


def audited_models() -> dict[str, str]:
    """`app_label.modelname` → verbose name of every model whose changes are kept."""
    return {
        m._meta.label_lower: str(m._meta.verbose_name)
        for m in apps.get_models()
        if hasattr(m._meta, "simple_history_manager_attribute")
    }


def can_read_config_history(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.AUDITOR))


def config_change_list_for(*, actor: User, model: str = "", object_id: str = "") -> QuerySet[ConfigChange]:
    """Configuration changes, newest first; none for anyone but auditors and administrators."""
    if not can_read_config_history(actor):
        return ConfigChange.objects.none()
    changes = ConfigChange.objects.select_related("actor")
    if model:
        changes = changes.filter(model=model)
    if object_id:
        changes = changes.filter(object_id=object_id)
    return changes
