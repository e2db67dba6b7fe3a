"""The navigation bar by role (a context processor): every page the user may use, and only
pages whose URL exists in this installation (later apps' pages appear once installed)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Role
from complaints.views.home import url_or_none

QUEUE = (Role.AGENT, Role.SUPERVISOR, Role.AUDITOR)
ENTRIES = [
    # (url name, label, roles that see it; None: everyone)
    ("case-queue", pgettext_lazy("queue", "Cases"), QUEUE),
    ("case-intake", _("New complaint"), (Role.AGENT, Role.SUPERVISOR)),
    ("dashboard", _("Dashboard"), (Role.SUPERVISOR, Role.AUDITOR)),
    ("monthly-report", _("Monthly report"), (Role.SUPERVISOR, Role.AUDITOR)),
    ("contingency:activations", _("Activations"),
     (Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER, Role.SUPERVISOR, Role.AUDITOR)),
    ("contingency:group", _("Emergency group"),
     (Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER, Role.SUPERVISOR, Role.AUDITOR)),
    ("contingency:playbooks", _("Playbooks"),
     (Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER, Role.SUPERVISOR, Role.AUDITOR)),
    ("contingency:drills", _("Drills"), (Role.EMERGENCY_LEAD,)),
]


def _entries(request) -> list[dict]:
    user = request.user
    path = request.path
    items = []
    for name, label, roles in ENTRIES:
        if not (user.is_superuser or user.has_role(*roles)):
            continue
        url = url_or_none(name)
        if url:
            items.append({"url": url, "label": label, "active": path.startswith(url) and url != "/"})
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: _entries(request))}
