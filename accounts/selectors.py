"""Reads of teams, memoised per process: intake picks a team for every new case.

Teams change a few times a year; `teams` is cleared on every Team save or delete (this process
at once, the others within 2 s, see `common.memo`).
"""

from __future__ import annotations

from common.memo import ProcessMemo

from .models import Team

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
