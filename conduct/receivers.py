"""How this app plugs into the complaints app: the automatic check when a collection-conduct
case enters verification, the verification-finding check of complete_verification, the
workspace panel, and the breach statistics on the dashboard and in the monthly report."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model

from complaints import services as case_services
from complaints import signals
from complaints.choices import CaseState
from complaints.models import ComplaintCase

logger = logging.getLogger(__name__)

CONDUCT_CATEGORY = "collection_conduct"


def check_on_verification(sender, *, case_id, actor_id=None, to_state=None, **kwargs) -> None:
    """After commit of a transition into `verify`: run the conduct check of a conduct case.
    A failing check is logged and never reaches the transition's caller."""
    if to_state != CaseState.VERIFY:
        return
    try:
        case = ComplaintCase.objects.select_related("category").filter(pk=case_id).first()
        if case is None or case.category.code != CONDUCT_CATEGORY:
            return
        from conduct.services import conduct_check_record

        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        conduct_check_record(case=case, actor=actor)
    except Exception:
        logger.exception("automatic conduct check failed", extra={"case_id": case_id})


def _finding_check(case, payload, actor) -> dict | None:
    from conduct.services import verification_finding_check

    return verification_finding_check(case, payload, actor)


def connect() -> None:
    signals.case_transitioned.connect(check_on_verification, dispatch_uid="conduct.check_on_verification")
    case_services.register_transition_check("complete_verification", _finding_check)
    from complaints.views.workspace import register_case_panel, register_transition_initial
    from conduct.selectors import conduct_suggested_finding
    from conduct.views import case_panel_context

    register_case_panel("conduct/_case_panel.html", case_panel_context)
    from complaints.reporting.sections import register_dashboard_panel, register_report_section
    from conduct import reporting

    register_dashboard_panel("conduct/_dashboard_panel.html", reporting.dashboard_panel_context)
    register_report_section(reporting.report_tables)
    register_transition_initial(
        "complete_verification", lambda case: {"finding": conduct_suggested_finding(case=case)}
    )
