"""Pages of the conduct app: the contact CSV upload of the case workspace."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import ActionNotPermitted, NotFound, ValidationFailed
from complaints.selectors import case_get_for
from conduct import services
from conduct.forms import ContactUploadForm

MAX_ERRORS_SHOWN = 10


@login_required
@require_POST
def contacts_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """Import an uploaded CSV of contact records for the case, then back to its workspace."""
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
    except NotFound:
        raise Http404(_("No such case.")) from None
    back = redirect(f"/cases/{case.pk}/")
    form = ContactUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    try:
        result = services.contacts_import_csv(actor=request.user, case=case, file=form.cleaned_data["file"])
    except ActionNotPermitted as exc:
        messages.error(request, exc.detail)
        return back
    except ValidationFailed as exc:
        items = [f"{attr}: {message}" for attr, pairs in exc.errors.items() for _code, message in pairs]
        messages.error(request, _("Nothing was imported. Fix these rows and upload again."))
        for item in items[:MAX_ERRORS_SHOWN]:
            messages.error(request, item)
        if len(items) > MAX_ERRORS_SHOWN:
            messages.error(request, _("… and %(n)d more.") % {"n": len(items) - MAX_ERRORS_SHOWN})
        return back
    messages.success(
        request,
        _("Contact records imported: %(created)d new, %(unchanged)d already there.")
        % {"created": result.created, "unchanged": result.unchanged},
    )
    return back
