"""Server-rendered pages of the complaints app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page: who is logged in, with which roles, and where to go next."""
    user = request.user
    role_names = set(user.groups.values_list("name", flat=True))
    roles = [role.label for role in Role if role.value in role_names]
    if user.is_superuser:
        roles.append(_("Administrator"))
    return render(request, "home.html", {"roles": roles})
