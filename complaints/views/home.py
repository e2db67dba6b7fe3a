"""The start page `/`: where each role begins its day (README "Pages")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.roles import Role


def url_or_none(name: str) -> str | None:
    """A page another app may not have installed yet is simply not linked."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """An agent's or auditor's queue, a supervisor's dashboard, a lead's or member's open
    activations; anyone else (admin without a role) gets the welcome page."""
    user = request.user
    if user.has_role(Role.SUPERVISOR):
        return redirect(url_or_none("dashboard") or reverse("case-queue"))
    if user.has_role(Role.AGENT, Role.AUDITOR):
        return redirect("case-queue")
    if user.has_role(Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER):
        return redirect(url_or_none("contingency:activations") or reverse("notifications-page"))
    role_names = set(user.groups.values_list("name", flat=True))
    roles = [role.label for role in Role if role.value in role_names]
    if user.is_superuser:
        roles.append(_("Administrator"))
    return render(request, "home.html", {"roles": roles})
