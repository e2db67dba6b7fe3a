"""The case workspace `/cases/<id>/`: the case, its deadlines, timeline, related complaints, the
transitions the user may run now and the side-action forms. Later apps add panels through
`register_case_panel` without this app importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from common.exceptions import NotFound
from complaints import attachments, selectors
from complaints.choices import (
    ActionType,
    Channel,
    CollectionChannel,
    DeadlineKind,
    Direction,
    EventKind,
    Finding,
    Outcome,
    RiskFlag,
)
from complaints.models import ComplaintCase
from complaints.views.common import FormState

User = get_user_model()

PanelContext = Callable[[HttpRequest, ComplaintCase], "dict | None"]


@dataclass(frozen=True)
class CasePanel:
    template_name: str
    context_fn: PanelContext


_panels: list[CasePanel] = []

TRANSITION_LABELS = {
    "start_verification": _("Start verification"),
    "complete_verification": _("Complete verification"),
    "propose_resolution": _("Record the customer's demand"),
    "resolve": _("Resolve"),
    "record_feedback": _("Record customer feedback"),
    "close": _("Close the case"),
    "reopen": _("Reopen"),
    "withdraw": _("Withdraw the complaint"),
}


def register_case_panel(template_name: str, context_fn: PanelContext) -> None:
    """Add a panel to every workspace: `context_fn(request, case)` returns the template's context,
    or None to show nothing for this case. Panels render in the order they were registered."""
    panel = CasePanel(template_name, context_fn)
    if panel not in _panels:
        _panels.append(panel)


_transition_initials: dict[str, list] = {}


def register_transition_initial(name: str, initial_fn) -> None:
    """Let another app pre-fill transition `name`'s form: `initial_fn(case)` returns field values
    (or None). The conduct app proposes the verification finding its check suggests."""
    fns = _transition_initials.setdefault(name, [])
    if initial_fn not in fns:
        fns.append(initial_fn)


def _initials_for(case: ComplaintCase, transitions: list[str]) -> dict[str, dict]:
    initials: dict[str, dict] = {}
    for name in transitions:
        for initial_fn in _transition_initials.get(name, ()):
            initials.setdefault(name, {}).update(initial_fn(case) or {})
    return initials


def _panels_for(request: HttpRequest, case: ComplaintCase) -> list[tuple[str, dict]]:
    rendered = []
    for panel in _panels:
        context = panel.context_fn(request, case)
        if context is not None:
            rendered.append((panel.template_name, context))
    return rendered


def get_case_or_404(user, case_id) -> ComplaintCase:
    try:
        return selectors.case_detail_for(actor=user, case_id=case_id)
    except NotFound:
        raise Http404 from None


def _deadline_rows(case: ComplaintCase, now) -> list[dict]:
    rows = []
    for deadline in case.deadlines.all():
        open_ = deadline.state in ("pending", "breached")
        rows.append({
            "deadline": deadline,
            "kind_label": DeadlineKind(deadline.kind).label if deadline.kind in DeadlineKind.values else deadline.kind,
            "open": open_,
            "breached": deadline.breached,
            "at_risk": open_ and not deadline.breached and deadline.warn_at <= now,
            "left": deadline.due_at - now if open_ and deadline.due_at > now else None,
        })
    return rows


def _timeline_rows(events) -> list:
    """The events with `kind_label`: one lookup in a dict made once, where the template's
    get_kind_display would rebuild the choices for every event of a long timeline."""
    labels = dict(EventKind.choices)
    rows = list(events)
    for event in rows:
        event.kind_label = labels.get(event.kind, event.kind)
    return rows


def _assignees(case: ComplaintCase):
    return (
        User.objects.filter(is_active=True, teams=case.team_id, groups__name__in=[Role.AGENT, Role.SUPERVISOR])
        .distinct()
        .order_by("username")
    )


def render_workspace(
    request: HttpRequest,
    case: ComplaintCase,
    *,
    state: FormState | None = None,
    status: int = 200,
    revealed: dict | None = None,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    transitions = selectors.case_available_transitions(case=case, user=user)
    may_reassign = user.has_perm("complaints.reassign_case", case)
    context = {
        "case": case,
        "state": state,
        "revealed": revealed,
        "deadlines": _deadline_rows(case, now),
        "risk_flag_labels": [RiskFlag(code).label for code in case.risk_flags if code in RiskFlag.values],
        "resolution_actions": list(case.actions.order_by("id")),
        # `case` came through case_detail_for: the lists need not check its visibility again.
        "timeline": _timeline_rows(selectors.case_timeline(actor=user, case=case)),
        "attachments": list(attachments.attachment_list(case=case)),
        "related": selectors.case_related_for(actor=user, case=case),
        "transitions": [(name, TRANSITION_LABELS.get(name, name)) for name in transitions],
        # A transition that was refused and is no longer offered has no form to show its error in.
        "orphan_errors": (
            [*state.general, *(m for ms in state.errors.values() for m in ms)]
            if state is not None and state.form in TRANSITION_LABELS and state.form not in transitions
            else []
        ),
        "may_work": user.has_perm("complaints.work_case", case),
        "may_note": user.has_perm("complaints.add_note", case),
        "may_attach": user.has_perm("complaints.add_attachment", case),
        "may_extend": case.is_open and user.has_perm(
            "complaints.first_extension" if case.extension_count == 0 else "complaints.second_extension", case
        ),
        "may_reveal": user.has_perm("complaints.view_pii", case),
        "may_reassign": may_reassign,
        "assignees": [(u.pk, str(u)) for u in _assignees(case)] if may_reassign else [],
        "findings": Finding.choices,
        "action_types": ActionType.choices,
        "channels": Channel.choices,
        "collection_channels": dict(CollectionChannel.choices),
        "directions": Direction.choices,
        "outcomes": Outcome.choices,
        "yes_no": [("true", _("Yes")), ("false", _("No"))],
        "satisfaction_choices": [(n, str(n)) for n in range(1, 6)],
        "action_rows": _action_rows(state),
        "panels": _panels_for(request, case),
        "initials": _initials_for(case, transitions),
    }
    response = render(request, "complaints/workspace.html", context, status=status)
    if revealed is not None:
        response["Cache-Control"] = "no-store"
    return response


def _action_rows(state: FormState | None) -> range:
    """Rows of the resolution-actions formset: three, or as many as the user posted (up to 20)."""
    posted = 0
    if state is not None and state.form == "resolve":
        raw = state.value("actions-TOTAL_FORMS", "0")
        posted = min(int(raw), 20) if raw.isdigit() else 0
    return range(max(3, posted))


@login_required
def case_workspace(request: HttpRequest, case_id: int) -> HttpResponse:
    return render_workspace(request, get_case_or_404(request.user, case_id))
