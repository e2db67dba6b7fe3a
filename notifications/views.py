"""The notifications page `/notifications/` and its mark-read POSTs (everyone)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import NotFound
from notifications import selectors, services

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    # Every view here is behind @login_required.
    return cast("User", request.user)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = list(selectors.notification_list_for(actor=_user(request), unread_only=unread_only)[:PAGE_SIZE])
    return render(request, "notifications/list.html", {"rows": rows, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        services.notification_mark_read(actor=_user(request), notification_id=notification_id)
    except NotFound:
        raise Http404 from None
    return redirect("notifications-page")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=_user(request))
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications-page")
