"""Bench users: teams A and B, an agent of each, their supervisor and the call-center client."""

from __future__ import annotations


def bench_people() -> dict:
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import Role

    teams = {code: Team.objects.get_or_create(code=code, defaults={"name": code})[0] for code in ("team-a", "team-b")}
    people = {}
    for username, role, team_codes in (
        ("agent", Role.AGENT, ("team-a",)),
        ("agent2", Role.AGENT, ("team-b",)),
        ("supervisor", Role.SUPERVISOR, ("team-a", "team-b")),
        ("callcenter", Role.API_CLIENT, ()),
    ):
        user, _ = User.objects.get_or_create(username=username)
        user.groups.add(Group.objects.get(name=role))
        user.teams.add(*(teams[c] for c in team_codes))
        people[username] = user
    return people


def api_token(user) -> str:
    """A token for `user` through the same path as the token endpoint."""
    from accounts.tokens import token_issue

    return token_issue(user=user)
