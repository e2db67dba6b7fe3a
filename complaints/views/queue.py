"""The queue `/cases/`: the API's filters (same FilterSet, same names), scope, search, keyset pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.request import Request

from accounts.models import Team
from accounts.roles import Role
from common.exceptions import ValidationFailed
from complaints import selectors
from complaints.api.filters import CaseFilter
from complaints.api.pagination import CasePagination
from complaints.choices import CaseState, RiskFlag, Severity
from complaints.services.cases import phone_match_key
from complaints.validators import ID_NUMBER_RE, INTERNATIONAL_RE, LANDLINE_RE, MOBILE_RE, normalise_phone

QUEUE_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.AUDITOR)
SCOPES = [
    ("mine", gettext_lazy("My cases")),
    ("team", gettext_lazy("My team's")),
    ("all", gettext_lazy("All I may see")),
]
ORDERINGS = [
    ("-received_at", gettext_lazy("Newest received first")),
    ("received_at", gettext_lazy("Oldest received first")),
    ("-severity", gettext_lazy("Most severe first")),
    ("severity", gettext_lazy("Least severe first")),
    ("-created_at", gettext_lazy("Newest registered first")),
]
FIELDS = {
    "scope", "state", "category", "severity", "breached", "risk_flag", "assignee", "team",
    "received_after", "received_before", "q", "phone", "id_number", "ordering", "cursor", "page_size",
}


def require_queue_role(user) -> None:
    if not (user.is_superuser or user.has_role(*QUEUE_ROLES)):
        raise PermissionDenied


def search_params(params: QueryDict) -> QueryDict:
    """A phone or ID number typed into `q` is searched by blind index, not as text: the text of
    a case never holds it in clear."""
    params = params.copy()
    raw = (params.get("q") or "").strip()
    if raw:
        phone = phone_match_key(normalise_phone(raw))
        if ID_NUMBER_RE.match(raw.upper()):
            params["id_number"] = raw
            params.pop("q")
        elif MOBILE_RE.match(phone) or LANDLINE_RE.match(phone) or INTERNATIONAL_RE.match(phone):
            params["phone"] = raw
            params.pop("q")
    return params


def _scoped(queryset, scope: str, user):
    if scope == "mine":
        return queryset.filter(assignee=user)
    if scope == "team":
        return queryset.filter(team_id__in=user.team_ids)
    return queryset


def _row_flags(case, now) -> dict:
    at_risk = any(d.state == "pending" and d.warn_at <= now for d in case.deadlines.all())
    return {"case": case, "breached": case.is_breached, "at_risk": at_risk and not case.is_breached}


@login_required
def case_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_queue_role(user)
    scope = request.GET.get("scope") or "all"
    errors: dict[str, list[str]] = {}
    if scope not in dict(SCOPES):
        errors["scope"] = [_("Select a valid choice.")]
        scope = "all"
    params = search_params(request.GET)
    filterset = CaseFilter(params, queryset=selectors.case_list_for(actor=user), request=request)
    rows, paginator = [], CasePagination()
    if filterset.is_valid() and not errors:
        try:
            page = paginator.paginate_queryset(_scoped(filterset.qs, scope, user), Request(request))
        except ValidationFailed as exc:
            errors.update({attr: [m for _c, m in pairs] for attr, pairs in exc.errors.items()})
        else:
            now = timezone.now()
            rows = [_row_flags(case, now) for case in page]
    else:
        for name, messages in filterset.errors.items():
            errors.setdefault(name, []).extend(messages)
    # The phone/ID searches are the visible `q` box; their errors show next to it.
    for hidden in ("phone", "id_number"):
        if hidden in errors:
            errors.setdefault("q", []).extend(errors.pop(hidden))
    context = {
        "rows": rows,
        "errors": errors,
        "params": request.GET,
        "scope": scope,
        "scopes": SCOPES,
        "orderings": ORDERINGS,
        "states": CaseState.choices,
        "severities": Severity.choices,
        "risk_flags": RiskFlag.choices,
        "categories": [(c.code, c.name) for c in selectors.category_list_active()],
        "teams": [(t.code, t.name) for t in _teams_for(user)],
        "next_link": paginator.get_next_link() if rows else None,
        "previous_link": paginator.get_previous_link() if rows else None,
        "searched_person": "phone" in params or "id_number" in params,
    }
    status = 400 if errors else 200
    return render(request, "complaints/queue.html", context, status=status)


def _teams_for(user):
    if user.is_superuser or user.has_role(Role.AUDITOR):
        return Team.objects.order_by("code")
    return Team.objects.filter(pk__in=user.team_ids).order_by("code")
