"""The intake form `/cases/new/`: the lead's CaseIntakeForm (the API's create serializer), errors
next to each field, and a one-time token so a double submit or the back button never makes two
cases (the token is the idempotency key of common.idempotency, scoped to the user)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework import status
from rest_framework.response import Response

from common.exceptions import ActionNotPermitted, ConflictError, ValidationFailed
from common.idempotency import HEADER, KEY_RE, run_idempotent
from common.pii import blind_index
from complaints import selectors, services
from complaints.choices import Channel, CollectionChannel, RiskFlag, Severity
from complaints.forms import CaseIntakeForm
from complaints.services.cases import phone_match_key
from complaints.validators import ID_NUMBER_RE, normalise_phone
from complaints.views.common import FormState, add_domain_errors, nul_state, state_from_form

TOKEN_FIELD = "intake_token"
SCOPE = "pages.intake"


def _posted_token(state: FormState | None) -> str:
    token = state.value(TOKEN_FIELD) if state is not None else ""
    return token if KEY_RE.match(token or "") and len(token) <= 64 else ""


def _render(request: HttpRequest, state: FormState | None, *, status_code: int = 200) -> HttpResponse:
    context = {
        "state": state,
        # After an error the same token again: nothing was stored under it, and a resend of the
        # corrected form from the back button still counts once.
        "token": _posted_token(state) or uuid.uuid4().hex,
        "token_field": TOKEN_FIELD,
        "channels": Channel.choices,
        "severities": Severity.choices,
        "collection_channels": CollectionChannel.choices,
        "risk_flags": RiskFlag.choices,
        "categories": [(c.code, c.name) for c in selectors.category_list_active()],
    }
    return render(request, "complaints/intake.html", context, status=status_code)


@login_required
@require_http_methods(["GET", "POST"])
def case_intake(request: HttpRequest) -> HttpResponse:
    try:
        services.case_require(actor=request.user, permission="complaints.create_case")
    except ActionNotPermitted:
        raise PermissionDenied from None
    if request.method == "GET":
        return _render(request, None)
    if refused := nul_state("intake", request.POST):
        return _render(request, refused, status_code=400)
    form = CaseIntakeForm(request.POST)
    if not form.is_valid():
        return _render(request, state_from_form("intake", request.POST, form), status_code=400)
    token = request.POST.get(TOKEN_FIELD, "")
    keyed = SimpleNamespace(user=request.user, headers={HEADER: token} if KEY_RE.match(token) else {})

    def handler() -> Response:
        case = services.case_create(actor=request.user, **form.validated)
        return Response({"id": case.pk, "is_repeat": case.is_repeat}, status=status.HTTP_201_CREATED)

    try:
        response = run_idempotent(request=keyed, scope=SCOPE, data=form.payload(), handler=handler)
    except ValidationFailed as exc:
        add_domain_errors(form, exc)
        return _render(request, state_from_form("intake", request.POST, form), status_code=400)
    except ConflictError:
        state = FormState(form="intake", values=request.POST, general=[
            _("This form was already sent once with other content. Check the case list before sending it again."),
        ])
        return _render(request, state, status_code=409)
    if response.status_code == status.HTTP_201_CREATED:
        messages.success(request, _("Complaint registered."))
    if response.data.get("is_repeat"):
        messages.warning(request, _("Repeat complaint: this person complained in the last 90 days."))
    return redirect("case-workspace", case_id=response.data["id"])


@login_required
@require_POST
def case_intake_repeat_check(request: HttpRequest) -> HttpResponse:
    """htmx, while the agent types: has this phone or ID number complained in the last 90 days?
    POST, because personal data never goes into a URL; answers a fragment for `#repeat-check`."""
    try:
        services.case_require(actor=request.user, permission="complaints.create_case")
    except ActionNotPermitted:
        raise PermissionDenied from None
    phone = phone_match_key(normalise_phone(request.POST.get("complainant_phone", "").strip()))
    id_number = request.POST.get("complainant_id_number", "").strip().upper()
    if "\x00" in phone + id_number:
        phone = id_number = ""
    repeat = selectors.case_recent_for_person(
        actor=request.user,
        phone_index=blind_index(phone) if phone else "",
        id_number_index=blind_index(id_number) if ID_NUMBER_RE.match(id_number) else "",
        since=timezone.now() - settings.REPEAT_COMPLAINT_WINDOW,
    )
    return render(request, "complaints/_repeat_check.html", {"repeat": repeat})
