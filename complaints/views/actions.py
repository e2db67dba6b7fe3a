"""The workspace's POSTs. Each validates with the page form of complaints.forms (the API's input
serializer underneath) and calls the same service as the API. A refusal re-renders the workspace
with the user's input kept and the message next to the field; a stale form (its `version` is not
the case's any more) shows a conflict and keeps the input. Order as the API: not visible → 404,
not permitted → 403, then the payload."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import ActionNotPermitted, ConflictError, DomainError, NotFound, ValidationFailed
from complaints import attachments, services
from complaints import forms as page_forms
from complaints.views.common import (
    FormState,
    add_domain_errors,
    conflict_state,
    nul_state,
    state_from_error,
    state_from_form,
)
from complaints.views.workspace import get_case_or_404, render_workspace

logger = logging.getLogger(__name__)

PII_REVEALS_PER_MINUTE = 10


class _AttachmentForm(page_forms.AttachmentForm):
    """Every refusal of the attachments service is about the file."""

    def add_api_error(self, attr, detail, code) -> None:
        self.add_error("file", forms.ValidationError(detail, code=code))


def _require(user, permission: str, case) -> None:
    try:
        services.case_require(actor=user, permission=permission, case=case)
    except ActionNotPermitted:
        raise PermissionDenied from None


def _submit(
    request: HttpRequest,
    case,
    key: str,
    form: forms.Form,
    run: Callable[[forms.Form], object],
    *,
    success: str,
) -> HttpResponse:
    """Validate `form`, run the service with its typed arguments, map what it raises onto the page."""
    post = request.POST
    if refused := nul_state(key, post):
        fresh = get_case_or_404(request.user, case.pk)
        return render_workspace(request, fresh, state=refused, status=400)
    if form.is_valid():
        try:
            run(form)
        except NotFound:
            raise Http404 from None
        except ActionNotPermitted:
            raise PermissionDenied from None
        except ConflictError as exc:
            fresh = get_case_or_404(request.user, case.pk)
            return render_workspace(request, fresh, state=conflict_state(key, post, exc), status=409)
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        except DomainError as exc:
            fresh = get_case_or_404(request.user, case.pk)
            return render_workspace(request, fresh, state=state_from_error(key, post, exc), status=409)
        else:
            messages.success(request, success)
            return redirect("case-workspace", case_id=case.pk)
    fresh = get_case_or_404(request.user, case.pk)
    return render_workspace(request, fresh, state=state_from_form(key, post, form), status=400)


def _stale(request: HttpRequest, case, key: str, form: forms.Form) -> HttpResponse | None:
    """Side actions whose service takes no version: compare it here before writing."""
    version = form.cleaned_data.get("version") if form.is_valid() else None
    if version is not None and version != case.version:
        return render_workspace(request, case, state=conflict_state(key, request.POST), status=409)
    return None


@login_required
@require_POST
def case_transition(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    form_class = page_forms.TRANSITION_FORMS.get(name)
    if form_class is None:
        raise Http404
    case = get_case_or_404(request.user, case_id)
    try:
        services.case_transition_refusal(case=case, name=name, actor=request.user)
    except ActionNotPermitted:
        raise PermissionDenied from None
    except DomainError as exc:
        return render_workspace(request, case, state=state_from_error(name, request.POST, exc), status=409)
    if refused := nul_state(name, request.POST):
        return render_workspace(request, case, state=refused, status=400)

    def run(form):
        services.case_transition(
            case_id=case.pk, name=name, actor=request.user, payload=form.validated,
            version=form.cleaned_data.get("version"),
        )

    return _submit(request, case, name, form_class(request.POST), run, success=_("Done."))


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_or_404(request.user, case_id)
    _require(request.user, "complaints.add_note", case)

    def run(form):
        services.case_note_add(case_id=case.pk, actor=request.user, **form.validated)

    return _submit(request, case, "note", page_forms.NoteForm(request.POST), run, success=_("Note added."))


@login_required
@require_POST
def case_communication(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_or_404(request.user, case_id)
    _require(request.user, "complaints.add_communication", case)

    def run(form):
        services.case_communication_add(case_id=case.pk, actor=request.user, **form.validated)

    form = page_forms.CommunicationForm(request.POST)
    return _submit(request, case, "communication", form, run, success=_("Communication recorded."))


@login_required
@require_POST
def case_attachment(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_or_404(request.user, case_id)
    _require(request.user, "complaints.add_attachment", case)
    form = _AttachmentForm(request.POST, request.FILES)

    def run(form):
        try:
            attachments.attachment_add(case_id=case.pk, actor=request.user, file=form.cleaned_data.get("file"))
        except attachments.AttachmentTooLarge as exc:
            raise ValidationFailed.single("file", exc.code, str(exc.detail)) from exc

    return _submit(request, case, "attachment", form, run, success=_("File attached."))


@login_required
@require_POST
def case_extension(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_or_404(request.user, case_id)
    form = page_forms.ExtensionForm(request.POST)
    if stale := _stale(request, case, "extension", form):
        return stale

    def run(form):
        services.case_extend(case_id=case.pk, actor=request.user, reason=form.validated["reason"])

    return _submit(request, case, "extension", form, run, success=_("Deadline extended."))


@login_required
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_or_404(request.user, case_id)
    _require(request.user, "complaints.reassign_case", case)
    form = page_forms.AssignForm(request.POST)
    if stale := _stale(request, case, "assign", form):
        return stale

    def run(form):
        services.case_reassign(case_id=case.pk, actor=request.user, assignee_id=form.validated["assignee"])

    return _submit(request, case, "assign", form, run, success=_("Case reassigned."))


def _reveal_throttled(user) -> bool:
    """At most PII_REVEALS_PER_MINUTE reveals per user per minute (a counter in the shared cache)."""
    key = f"pages:pii-reveal:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > PII_REVEALS_PER_MINUTE


@login_required
@require_POST
def case_pii(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_or_404(request.user, case_id)
    _require(request.user, "complaints.view_pii", case)
    if _reveal_throttled(request.user):
        logger.info("pii reveal throttled", extra={"case_id": case.pk, "user_id": request.user.pk})
        state = FormState(form="pii", values=request.POST,
                          general=[_("Too many reveals in a minute; wait a moment and try again.")])
        return render_workspace(request, case, state=state, status=429)
    form = page_forms.PiiRevealForm(request.POST)
    if refused := nul_state("pii", request.POST):
        return render_workspace(request, case, state=refused, status=400)
    if not form.is_valid():
        return render_workspace(request, case, state=state_from_form("pii", request.POST, form), status=400)
    try:
        clear = services.case_pii_reveal(case_id=case.pk, actor=request.user, reason=form.validated["reason"])
    except ActionNotPermitted:
        raise PermissionDenied from None
    return render_workspace(request, case, revealed=clear)
