"""Every read of cases and SLA policies, scoped to the actor. Query shape (joins, prefetches) is decided here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from common.exceptions import ActionNotPermitted, NotFound
from common.memo import ProcessMemo
from complaints.choices import EventKind, Severity
from complaints.models import CaseEvent, Category, ComplaintCase, ReferenceDay, SlaPolicy
from complaints.transitions import may_fire
from timers.models import Deadline

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Other apps (contingency) register functions that give the case ids a user sees through them,
# so that this app never imports theirs.
_extra_visibility: list[Callable[[object], Q]] = []

# Read on every create, changed a few times a year: kept per process, cleared on every save or
# delete of a category or policy (this process at once, the others within 2 s; common.memo).
# The instances are shared between requests: never change them.
categories = ProcessMemo("complaints.categories")
sla_policies = ProcessMemo("complaints.sla_policies")


def register_case_visibility(provider: Callable[[object], Q]) -> None:
    """Let another app widen what a user sees: `provider(user)` returns a Q on ComplaintCase."""
    _extra_visibility.append(provider)


def case_visible_q(user: User) -> Q:
    """The rows `complaints.view_case` allows, as a filter (mirrors complaints.rules)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.has_role(Role.AUDITOR):
        return Q()
    q = Q(pk__in=[])
    if user.has_role(Role.AGENT, Role.SUPERVISOR):
        q |= Q(team_id__in=user.team_ids)
    if user.has_role(Role.API_CLIENT):
        q |= Q(created_by_id=user.pk)
    if user.has_role(Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER):
        for provider in _extra_visibility:
            q |= provider(user)
    return q


def case_in_user_activations(*, user: User, case: ComplaintCase) -> bool:
    if not _extra_visibility:
        return False
    q = Q(pk__in=[])
    for provider in _extra_visibility:
        q |= provider(user)
    return bool(ComplaintCase.objects.filter(q, pk=case.pk).exists())


def case_base_queryset() -> QuerySet[ComplaintCase]:
    queryset: QuerySet[ComplaintCase] = ComplaintCase.objects.select_related("category", "team", "assignee").prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at", "id"))
    )
    return queryset


def case_list_for(*, actor: User) -> QuerySet[ComplaintCase]:
    """Cases the actor may see, newest received first, with what a list row shows."""
    return case_base_queryset().filter(case_visible_q(actor))


def case_filter_reference_prefix(queryset: QuerySet[ComplaintCase], *, prefix: str) -> QuerySet[ComplaintCase]:
    """`queryset` narrowed to references starting with `prefix` (`TS202603`), through indexes.

    The matches are contiguous in reference order, but the planner takes them for scattered over
    received time and walks the newest-first index past every newer case (seconds at a million
    cases for a month eight months back). The received-time range of all matches bounds that walk
    to the matches' own stretch; it holds for whatever subset `queryset` is. On PostgreSQL the
    range comes from the reference days the cases table's triggers keep (a few hundred rows for a
    year); without them, or for a prefix no day matches, from an index-only scan of the matching
    references (case_reference_prefix).
    """
    bounds = _reference_days_bounds(prefix) if connection.vendor == "postgresql" else None
    if bounds is None:
        bounds = ComplaintCase.objects.filter(reference__startswith=prefix).aggregate(
            first=Min("received_at"),
            last=Max("received_at"),
            # With min/max alone PostgreSQL would walk the received-time index from both ends instead.
            matches=Count("*"),
        )
        if not bounds["matches"]:
            return queryset.none()
    return queryset.filter(reference__startswith=prefix, received_at__range=(bounds["first"], bounds["last"]))


def _reference_days_bounds(prefix: str) -> dict[str, Any] | None:
    # The date is the reference's characters 3 to 10; a longer prefix (with the id) is one day.
    if not prefix.startswith("TS"):
        return None
    bounds = ReferenceDay.objects.filter(day__startswith=prefix[2:10]).aggregate(
        first=Min("first_received"), last=Max("last_received")
    )
    return bounds if bounds["first"] is not None else None


def _visible_case(queryset: QuerySet[ComplaintCase], *, actor: User, case_id: Any) -> ComplaintCase:
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such case.")) from None
    if not 0 < case_id < 2**63:
        raise NotFound(_("No such case."))
    case = queryset.filter(pk=case_id).first()
    if case is None or not actor.has_perm("complaints.view_case", case):
        raise NotFound(_("No such case."))
    return case


def case_get_for(*, actor: User, case_id: Any, for_update: bool = False) -> ComplaintCase:
    """One case the actor may see, or NotFound (also for cases that exist but are not theirs).

    `for_update` locks the row (inside the caller's transaction) for a write.
    """
    if for_update:
        qs = ComplaintCase.objects.select_for_update(of=("self",)).select_related("category", "team")
    else:
        qs = ComplaintCase.objects.select_related("category", "team", "assignee")
    return _visible_case(qs, actor=actor, case_id=case_id)


def case_detail_for(*, actor: User, case_id: Any) -> ComplaintCase:
    """`case_get_for` with what a detail view shows (deadlines prefetched), in one fetch."""
    return _visible_case(case_base_queryset(), actor=actor, case_id=case_id)


def case_timeline_for(*, actor: User, case_id: Any) -> QuerySet[CaseEvent]:
    """The case's timeline, oldest first, without internal notes for API clients."""
    return case_timeline(actor=actor, case=case_get_for(actor=actor, case_id=case_id))


def case_timeline(*, actor: User, case: ComplaintCase) -> QuerySet[CaseEvent]:
    """`case_timeline_for` of a case the caller has already read through a `*_for` selector."""
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("id")
    if actor.has_role(Role.API_CLIENT) and not actor.is_superuser:
        # Internal notes are the institution's own: an integrating system never sees them.
        events = events.exclude(kind=EventKind.NOTE, data__internal=True)
    return events


def case_available_transitions(*, case: ComplaintCase, user: User) -> list[str]:
    """Names of transitions the user may fire now (state, guards and permission)."""
    return [
        t.name
        for t in case.get_available_state_transitions()  # type: ignore[attr-defined]  # added by django-fsm
        if may_fire(user=user, case=case, name=t.name)
    ]


def category_get_active(*, code: str) -> Category | None:
    """The active category with this code, or None (memoised; see `categories`).

    A code not in the memo reloads it (a category added a moment ago in another process), so an
    unknown code costs the one read it always did.
    """

    def load() -> dict[str, Category]:
        return {c.code: c for c in Category.objects.filter(is_active=True)}

    category = categories.get("active", load).get(code)
    if category is None:
        categories.discard("active")
        category = categories.get("active", load).get(code)
    return category


def category_list_active() -> QuerySet[Category]:
    """Categories a new complaint may be filed under, in display order."""
    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


# -- SLA policies --------------------------------------------------------------------------


def sla_policy_for(*, category: Category | int | None, severity: str) -> SlaPolicy:
    """The policy for (category, severity), else the category's normal one, else a 15-day default.

    The default is an unsaved `SlaPolicy` with the model's defaults (final answer in 15 days).
    """
    from complaints.sla import DEFAULT_FINAL_ANSWER

    category_id = category.pk if isinstance(category, Category) else category
    if category_id is not None:
        policies: dict[str, SlaPolicy] = sla_policies.get(
            category_id, lambda: {p.severity: p for p in SlaPolicy.objects.filter(category_id=category_id)}
        )
        policy = policies.get(severity) or policies.get(Severity.NORMAL)
        if policy is not None:
            return policy
    logger.warning(
        "no SLA policy for category and severity; using the default",
        extra={"category_id": category_id, "severity": severity},
    )
    return SlaPolicy(final_answer_within=DEFAULT_FINAL_ANSWER)


def sla_policy_list_for(*, actor: User) -> QuerySet[SlaPolicy]:
    """Every policy, for roles that may read them (ActionNotPermitted otherwise)."""
    if not actor.has_perm("complaints.view_sla_policy"):
        raise ActionNotPermitted(_("Your role may not read SLA policies."))
    return SlaPolicy.objects.select_related("category").order_by("category__sort_order", "category__code", "id")


def sla_policy_get(*, actor: User, policy_id: int) -> SlaPolicy:
    """One policy by id (NotFound when there is none; ActionNotPermitted as the list)."""
    policy = sla_policy_list_for(actor=actor).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("No such SLA policy."))
    return policy


def case_related_for(*, actor: User, case: ComplaintCase, limit: int = 20) -> list[ComplaintCase]:
    """Earlier and later complaints of the same person (same phone or ID blind index, any time)
    that the actor may see, newest first; the case itself is left out."""
    same_person = [Q(phone_index=case.phone_index)] if case.phone_index else []
    if case.id_number_index:
        same_person.append(Q(id_number_index=case.id_number_index))
    if not same_person:
        return []
    visible = ComplaintCase.objects.filter(case_visible_q(actor)).exclude(pk=case.pk)
    # The newest of each blind index's (index, received_at) B-tree, then their union: for an OR
    # of the two the planner may walk every case's received-time index instead (34 ms at a
    # million cases against well under 1 ms).
    walks = [visible.filter(match).order_by("-received_at", "-id").values("pk")[:limit] for match in same_person]
    if len(walks) == 1:
        newest = walks[0]
    elif connection.features.supports_slicing_ordering_in_compound:
        newest = walks[0].union(walks[1])
    else:  # SQLite (the embedded setup) cannot limit the parts of a UNION
        newest = visible.filter(same_person[0] | same_person[1]).values("pk")
    return list(
        ComplaintCase.objects.filter(pk__in=newest).select_related("category").order_by("-received_at", "-id")[:limit]
    )


def case_recent_for_person(*, actor: User, phone_index: str, id_number_index: str, since: datetime) -> bool:
    """Whether a case the actor may see, received since `since`, has this phone or ID blind index
    (the intake form's early repeat-complaint hint; the case's own flag counts every team)."""
    match = Q(pk__in=[])
    if phone_index:
        match |= Q(phone_index=phone_index)
    if id_number_index:
        match |= Q(id_number_index=id_number_index)
    if not (phone_index or id_number_index):
        return False
    return bool(ComplaintCase.objects.filter(match, case_visible_q(actor), received_at__gte=since).exists())


# -- reads for other apps (webhooks, notifications): plain facts, no model instances ------------


def case_event_facts(*, case_id: int) -> dict[str, object] | None:
    """What a case event says about the case: codes only, never personal data (None if no such case).

    Not scoped to an actor: the callers are signal receivers that publish to configured systems.
    """
    return case_event_facts_many(case_ids=[case_id]).get(case_id)


def case_event_facts_many(*, case_ids: list[int]) -> dict[int, dict[str, object]]:
    """`case_event_facts` of many cases in one query, by case id (missing ones left out)."""
    rows = ComplaintCase.objects.filter(pk__in=case_ids).values(
        "id", "reference", "state", "category__code", "severity", "escalation_level"
    )
    return {
        row["id"]: {
            "case_id": row["id"],
            "reference": row["reference"],
            "state": row["state"],
            "category": row["category__code"],
            "severity": row["severity"],
            "escalation_level": row["escalation_level"],
        }
        for row in rows
    }


# -- for the contingency app (volume triggers, activation timelines) -----------------------


def case_count_received_since(*, category_id: int, since: datetime, up_to: int | None = None) -> int:
    """How many cases of the category were received since `since` (index case_cat_recv).

    With `up_to`, counting stops there (a threshold check need not count a whole spike).
    Written out because every create runs it: the ORM took 0.35 ms of CPU to build this
    statement, the statement itself 0.03 ms.
    """
    limit = "" if up_to is None else " LIMIT %s"
    params: list[Any] = [category_id, connection.ops.adapt_datetimefield_value(since)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {ComplaintCase._meta.db_table} "
            f"WHERE category_id = %s AND received_at >= %s{limit}) AS recent",
            params if up_to is None else [*params, up_to],
        )
        return int(cursor.fetchone()[0])


def case_ids_received_since(*, category_id: int, since: datetime, limit: int = 1000) -> list[int]:
    """Ids of the category's cases received since `since`, newest first (index case_cat_recv)."""
    return list(
        ComplaintCase.objects.filter(category_id=category_id, received_at__gte=since)
        .order_by("-received_at")
        .values_list("pk", flat=True)[:limit]
    )


def case_trigger_facts(*, case_id: int) -> dict[str, Any] | None:
    """What a trigger check reads of a case: category, severity, risk flags, state, reference."""
    facts: dict[str, Any] | None = (
        ComplaintCase.objects.filter(pk=case_id)
        .values("id", "category_id", "severity", "risk_flags", "state", "reference", "received_at")
        .first()
    )
    return facts


def case_trigger_facts_many(*, case_ids: list[int]) -> list[dict[str, Any]]:
    """`case_trigger_facts` of many cases in one query, in the order of `case_ids` (missing ones left out)."""
    rows = {
        row["id"]: row
        for row in ComplaintCase.objects.filter(pk__in=case_ids).values(
            "id", "category_id", "severity", "risk_flags", "state", "reference", "received_at"
        )
    }
    return [rows[pk] for pk in case_ids if pk in rows]


def case_events_of_cases(*, case_ids: list[int], limit: int = 500) -> QuerySet[CaseEvent]:
    """The timeline entries of several cases, oldest first (for a shared activation timeline)."""
    return CaseEvent.objects.filter(case_id__in=case_ids).select_related("actor", "case").order_by("at", "id")[:limit]


def case_ids_existing(*, case_ids: list[int]) -> set[int]:
    """Which of these case ids exist (for other apps' input validation)."""
    return set(ComplaintCase.objects.filter(pk__in=case_ids).values_list("pk", flat=True))


def category_get_by_code(*, code: str) -> Category | None:
    """A category by its code, active or not."""
    return Category.objects.filter(code=code).first()
