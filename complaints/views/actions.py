"""The workspace's POSTs. Each calls the same service as the API; a domain error re-renders the
workspace with the user's input kept and the message next to the field; a stale form (its
`version` is not the case's any more) shows a conflict and keeps the input."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.exceptions import (
    ActionNotPermitted,
    ConflictError,
    DomainError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from complaints import attachments, services, sla
from complaints.views.common import FormState, conflict_state, posted_version, state_from_error
from complaints.views.workspace import get_case_or_404, render_workspace

logger = logging.getLogger(__name__)

# Fields each transition's form posts (PAGES.md "Form fields").
TRANSITION_FIELDS = {
    "start_verification": {"assignee"},
    "complete_verification": {"finding", "notes"},
    "propose_resolution": {"customer_demand", "notes"},
    "resolve": {"summary", "actions"},
    "record_feedback": {"satisfaction", "accepted", "comment"},
    "close": {"notes"},
    "reopen": {"reason"},
    "withdraw": {"reason"},
}
MAX_ACTIONS = 20
PII_REVEALS_PER_MINUTE = 10


def _int_or_raw(raw: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 12 else raw


def _bool_or_raw(raw: str | None):
    if raw in (None, ""):
        return None
    return {"true": True, "false": False}.get(raw, raw)


def _actions(post) -> list[dict]:
    """The `actions` formset's rows; wholly empty rows are the blank ones the page offers."""
    raw_total = post.get("actions-TOTAL_FORMS", "0")
    total = min(int(raw_total), MAX_ACTIONS + 1) if raw_total.isdigit() else 0
    rows = []
    for i in range(total):
        row = {key: post.get(f"actions-{i}-{key}", "").strip() for key in ("type", "amount", "detail")}
        if any(row.values()):
            rows.append(row)
    return rows


def transition_payload(name: str, post) -> dict:
    payload: dict = {}
    for key in TRANSITION_FIELDS.get(name, ()):
        if key == "actions":
            payload["actions"] = _actions(post)
        elif key in ("assignee", "satisfaction"):
            value = _int_or_raw(post.get(key, ""))
            if value is not None:
                payload[key] = value
        elif key == "accepted":
            payload["accepted"] = _bool_or_raw(post.get("accepted"))
        else:
            payload[key] = post.get(key, "")
    return payload


def _known_fields(name: str, post) -> set[str]:
    fields = set(TRANSITION_FIELDS.get(name, ())) - {"actions"}
    if name == "resolve":
        fields |= {f"actions-{i}-{k}" for i in range(MAX_ACTIONS) for k in ("type", "amount", "detail")}
    return fields


def _answer(request: HttpRequest, case_id: int, form: str, run, *, known: set[str], success: str) -> HttpResponse:
    """Run a service call; map what it raises onto the page."""
    post = request.POST
    try:
        run()
    except NotFound:
        raise Http404 from None
    except ActionNotPermitted:
        raise PermissionDenied from None
    except ConflictError:
        case = get_case_or_404(request.user, case_id)
        return render_workspace(request, case, state=conflict_state(form, post), status=409)
    except (ValidationFailed, TransitionNotAllowed, DomainError) as exc:
        case = get_case_or_404(request.user, case_id)
        code = 400 if isinstance(exc, ValidationFailed) else 409
        return render_workspace(request, case, state=state_from_error(form, post, exc, known_fields=known), status=code)
    messages.success(request, success)
    return redirect("case-workspace", case_id=case_id)


def _stale(request: HttpRequest, case_id: int, form: str) -> HttpResponse | None:
    """Side actions whose service takes no version: compare it here before writing."""
    case = get_case_or_404(request.user, case_id)
    version = posted_version(request.POST)
    if version is not None and version != case.version:
        return render_workspace(request, case, state=conflict_state(form, request.POST), status=409)
    return None


@login_required
@require_POST
def case_transition(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    if name not in services.TRANSITIONS:
        raise Http404
    get_case_or_404(request.user, case_id)
    payload = transition_payload(name, request.POST)
    version = posted_version(request.POST)

    def run():
        services.case_transition(case_id=case_id, name=name, actor=request.user, payload=payload, version=version)

    return _answer(request, case_id, name, run, known=_known_fields(name, request.POST), success=_("Done."))


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    post = request.POST

    def run():
        services.case_note_add(
            case_id=case_id, actor=request.user, body=post.get("body", ""), internal=post.get("internal") == "true"
        )

    get_case_or_404(request.user, case_id)
    return _answer(request, case_id, "note", run, known={"body", "internal"}, success=_("Note added."))


@login_required
@require_POST
def case_communication(request: HttpRequest, case_id: int) -> HttpResponse:
    post = request.POST
    data = {key: post.get(key, "") for key in ("channel", "direction", "outcome", "summary")}
    get_case_or_404(request.user, case_id)

    def run():
        services.case_communication_add(case_id=case_id, actor=request.user, data=data)

    return _answer(request, case_id, "communication", run, known=set(data), success=_("Communication recorded."))


@login_required
@require_POST
def case_attachment(request: HttpRequest, case_id: int) -> HttpResponse:
    get_case_or_404(request.user, case_id)

    def run():
        attachments.attachment_add(case_id=case_id, actor=request.user, file=request.FILES.get("file"))

    return _answer(request, case_id, "attachment", run, known={"file"}, success=_("File attached."))


@login_required
@require_POST
def case_extension(request: HttpRequest, case_id: int) -> HttpResponse:
    if stale := _stale(request, case_id, "extension"):
        return stale

    def run():
        sla.case_extend(case_id=case_id, actor=request.user, reason=request.POST.get("reason", ""))

    return _answer(request, case_id, "extension", run, known={"reason"}, success=_("Deadline extended."))


@login_required
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    if stale := _stale(request, case_id, "assign"):
        return stale
    raw = request.POST.get("assignee", "")
    assignee = _int_or_raw(raw)

    def run():
        services.case_reassign(case_id=case_id, actor=request.user, assignee_id=assignee)

    return _answer(request, case_id, "assign", run, known={"assignee"}, success=_("Case reassigned."))


def _reveal_throttled(user) -> bool:
    """At most PII_REVEALS_PER_MINUTE reveals per user per minute (a shared cache counter)."""
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
    if not request.user.has_perm("complaints.view_pii", case):
        raise PermissionDenied
    if _reveal_throttled(request.user):
        logger.info("pii reveal throttled", extra={"case_id": case.pk, "user_id": request.user.pk})
        state = FormState(form="pii", values=request.POST,
                          general=[_("Too many reveals in a minute; wait a moment and try again.")])
        return render_workspace(request, case, state=state, status=429)
    try:
        clear = services.case_pii_reveal(case_id=case.pk, actor=request.user, reason=request.POST.get("reason", ""))
    except ActionNotPermitted:
        raise PermissionDenied from None
    except ValidationFailed as exc:
        return render_workspace(request, case, status=400,
                                state=state_from_error("pii", request.POST, exc, known_fields={"reason"}))
    return render_workspace(request, case, revealed=clear)
