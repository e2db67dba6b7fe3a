"""Reads of the conduct app, scoped to the actor the same way as the cases they belong to."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, NotFound
from complaints.models import ComplaintCase
from complaints.selectors import case_get_for, case_visible_q
from conduct.models import CollectionContact, ConductBreach, ConductCheck, ConductRule
from conduct.services import case_account_index


def case_contacts_for(
    *, actor, case_id: int, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[CollectionContact]:
    """The contacts of the case's account, oldest first; NotFound for a case the actor may not see."""
    return case_contacts(case=case_get_for(actor=actor, case_id=case_id), since=since, until=until)


def case_contacts(
    *, case: ComplaintCase, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[CollectionContact]:
    """`case_contacts_for` of a case the caller has already read through a `*_for` selector."""
    index = case_account_index(case)
    if not index:
        return CollectionContact.objects.none()
    contacts = CollectionContact.objects.filter(account_index=index)
    if since is not None:
        contacts = contacts.filter(at__gte=since)
    if until is not None:
        contacts = contacts.filter(at__lte=until)
    return contacts.order_by("at", "id")


def conduct_check_latest(*, case: ComplaintCase) -> ConductCheck | None:
    return ConductCheck.objects.filter(case=case).order_by("-id").first()  # the last to write its breaches


def conduct_check_latest_for(*, actor, case_id: int) -> ConductCheck:
    """The latest check of a case the actor may see; NotFound when there is none."""
    case = case_get_for(actor=actor, case_id=case_id)
    check = conduct_check_latest(case=case)
    if check is None:
        raise NotFound(_("No conduct check has run on this case yet."))
    return check


def conduct_suggested_finding(*, case: ComplaintCase) -> str | None:
    """The finding the latest check suggests (the verification form's initial value), or None."""
    check = conduct_check_latest(case=case)
    return (check.suggested_finding or None) if check else None


def conduct_rule_list_for(*, actor) -> QuerySet[ConductRule]:
    if not actor.has_perm("conduct.view_rules"):
        raise ActionNotPermitted(_("Your role may not see the conduct rules."))
    return ConductRule.objects.order_by("sort_order", "code")


DIMENSIONS = ("rule_code", "collector", "agency")
# GROUPING(rule_code, collector, agency) of each grouping set: a bit per column left out.
_SETS = {0b011: "rule_code", 0b101: "collector", 0b110: "agency", 0b111: None}


def _ordered(rows: list[dict], column: str) -> list[dict]:
    return sorted(rows, key=lambda row: (-row["breaches"], row[column]))


def _grouped(breaches: QuerySet[ConductBreach]) -> dict[str | None, list[dict]]:
    """{column: rows of breaches and cases per value, None: [the totals]}. On PostgreSQL one
    pass over the breaches (GROUPING SETS), so the visibility join runs once, not four times."""
    if connection.vendor != "postgresql":
        result: dict[str | None, list[dict]] = {None: [breaches.aggregate(breaches=Count("id"),
                                                                          cases=Count("case_id", distinct=True))]}
        for column in DIMENSIONS:
            result[column] = list(
                breaches.values(column).annotate(breaches=Count("id"), cases=Count("case_id", distinct=True)).order_by()
            )
        return {key: _ordered(rows, key) if key else rows for key, rows in result.items()}
    sql, params = breaches.values("case_id", *DIMENSIONS).order_by().query.sql_with_params()
    result = {key: [] for key in _SETS.values()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GROUPING(rule_code, collector, agency), rule_code, collector, agency, count(*), "
            f"count(DISTINCT case_id) FROM ({sql}) AS b "
            "GROUP BY GROUPING SETS ((rule_code), (collector), (agency), ())",
            params,
        )
        for grouping, rule_code, collector, agency, n, cases in cursor.fetchall():
            dimension = _SETS[grouping]
            values = {"rule_code": rule_code, "collector": collector, "agency": agency}
            key = {dimension: values[dimension]} if dimension else {}
            result[dimension].append({**key, "breaches": n, "cases": cases})
    return {key: _ordered(rows, key) if key else rows for key, rows in result.items()}


def conduct_breach_stats(*, actor, month_start: datetime, month_end: datetime) -> dict:
    """Breaches whose deciding contact lies in [month_start, month_end), by rule, by collector and
    by agency, each with the number of cases touched. Only each case's latest check counts, and
    only cases the actor may see. ActionNotPermitted for roles without reports."""
    if not actor.has_perm("conduct.view_reports"):
        raise ActionNotPermitted(_("Your role may not see conduct reports."))
    breaches = ConductBreach.objects.filter(is_current=True, at__gte=month_start, at__lt=month_end)
    visible = case_visible_q(actor)
    if visible:  # an empty Q is "every case" (auditors, admins): no join needed
        breaches = breaches.filter(case__in=ComplaintCase.objects.filter(visible).values("pk"))
    names = {rule.code: rule.name for rule in ConductRule.objects.all()}
    grouped = _grouped(breaches)
    totals = grouped[None][0] if grouped[None] else {"breaches": 0, "cases": 0}
    return {
        "breaches": totals["breaches"],
        "cases": totals["cases"],
        "by_rule": [
            {"rule": row["rule_code"], "name": names.get(row["rule_code"], row["rule_code"]),
             "breaches": row["breaches"], "cases": row["cases"]}
            for row in grouped["rule_code"]
        ],
        "by_collector": grouped["collector"],
        "by_agency": grouped["agency"],
    }
