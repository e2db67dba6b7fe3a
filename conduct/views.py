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
from conduct.choices import ContactChannel, ContactDirection, ContactOutcome, ContactParty
from conduct.forms import ContactUploadForm

MAX_ERRORS_SHOWN = 10
PANEL_CONTACTS = 50


def case_panel_context(request: HttpRequest, case) -> dict | None:
    """The workspace panel (complaints.views.workspace.register_case_panel): the latest check
    with its breaches, the account's latest contacts (masked), the upload and re-run forms."""
    from complaints.choices import Finding
    from conduct.selectors import case_contacts, conduct_check_latest

    check = conduct_check_latest(case=case)
    # `case` came through the workspace's case_detail_for: no second read of it here.
    contacts = list(case_contacts(case=case).order_by("-at", "-id")[:PANEL_CONTACTS])
    if check is None and not contacts and case.category.code != "collection_conduct":
        return None
    suggested = check.suggested_finding if check else ""
    return {
        "case_id": case.pk,
        "check": check,
        "suggested_label": Finding(suggested).label if suggested else "",
        "contacts": _labelled(contacts[::-1]),
        "can_work": request.user.has_perm("complaints.work_case", case),
        "upload_form": ContactUploadForm(),
    }


def _labelled(contacts: list) -> list:
    """Each contact with `labels` of its coded fields, from dicts built once: the template's
    get_FOO_display rebuilds a field's choices on every call (4 × 50 calls on this panel)."""
    choices = {"channel": dict(ContactChannel.choices), "direction": dict(ContactDirection.choices),
               "outcome": dict(ContactOutcome.choices), "party": dict(ContactParty.choices)}
    for contact in contacts:
        contact.labels = {name: labels.get(getattr(contact, name), getattr(contact, name))
                          for name, labels in choices.items()}
    return contacts


@login_required
@require_POST
def check_run(request: HttpRequest, case_id: int) -> HttpResponse:
    """Run the conduct check of the case now, then back to its workspace."""
    try:
        services.conduct_check_run(actor=request.user, case_id=case_id)
    except NotFound:
        raise Http404(_("No such case.")) from None
    except ActionNotPermitted as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Conduct check done."))
    return redirect(f"/cases/{case_id}/")


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
