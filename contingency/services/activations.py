"""Opening and joining activations (automatic, manual, drills): one transaction each, side effects
after commit. What follows an opening is in `contingency.services.response`.

Opening is decided by the database: the partial unique constraint
`activation_one_open_per_playbook` allows one open real activation per (playbook, category).
An opener inserts inside a savepoint; the loser of a race gets IntegrityError, rolls back its
savepoint and joins the winner's row instead (locked FOR UPDATE, so links are added one
linker at a time). Twenty concurrent cases of one spike therefore make one activation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, ValidationFailed
from contingency import selectors, timers
from contingency.choices import (
    OPEN_ACTIVATION_STATES,
    ActivationEventKind,
    ActivationTrigger,
    LinkReason,
    VersionStatus,
)
from contingency.models import (
    Activation,
    ActivationCase,
    ActivationEvent,
    ActivationTask,
    Playbook,
    PlaybookVersion,
)
from contingency.services.timeline import activation_publish, event_record
from notifications.models import Channel
from notifications.services import notify

logger = logging.getLogger(__name__)

ALERT_CHANNELS = (Channel.INAPP, Channel.EMAIL, Channel.SMS)
# Links per INSERT: four parameters each, well inside every backend's limit on parameters.
LINK_CHUNK = 1000


# -- helpers -------------------------------------------------------------------------------


def _version_for(playbook_id: int) -> PlaybookVersion | None:
    return PlaybookVersion.objects.filter(playbook_id=playbook_id, status=VersionStatus.ACTIVE).first()


def _department_assignees() -> dict[str, int]:
    """Per department, who takes its tasks: a member on duty first, else any active member."""
    assignees: dict[str, int] = {}
    for member in selectors.group_member_list().order_by("-on_duty", "role", "id"):
        assignees.setdefault(member.department, member.user_id)
    return assignees


def _copy_tasks(activation: Activation, version: PlaybookVersion) -> list[ActivationTask]:
    assignees = _department_assignees()
    tasks = ActivationTask.objects.bulk_create(
        ActivationTask(
            activation=activation,
            order=step.get("order") or index + 1,
            title=step.get("title", "")[:200],
            title_en=step.get("title_en", "")[:200],
            instructions=step.get("instructions", ""),
            instructions_en=step.get("instructions_en", ""),
            department=step["department"],
            required=step.get("required", True),
            assignee_id=assignees.get(step["department"]),
            due_at=activation.activated_at + timedelta(seconds=step["due_within"]),
        )
        for index, step in enumerate(sorted(version.steps, key=lambda s: s.get("order") or 0))
    )
    for task in tasks:
        timers.task_deadline_open(task)
    return tasks


def _alert_recipients(activation: Activation) -> list[int]:
    on_duty = [m.user_id for m in selectors.members_on_duty()]
    if not on_duty:
        # Nobody on the rota: the whole group hears of it rather than nobody.
        on_duty = [m.user_id for m in selectors.group_member_list()]
    return ([activation.lead_id] if activation.lead_id else []) + on_duty


def _alert(activation: Activation, *, case_count: int) -> None:
    params = {"playbook": activation.playbook.name_zh, "count": case_count, "id": activation.pk}
    if activation.is_drill:
        title = _("Drill: emergency response #%(id)s started (%(playbook)s)") % params
    else:
        title = _("Emergency response #%(id)s started: %(playbook)s") % params
    body = _("%(count)d case(s) covered. Acknowledge the activation and take your department's tasks.") % params
    notify(
        _alert_recipients(activation), "activation", title, body, channels=ALERT_CHANNELS,
        data={"activation_id": activation.pk}, is_drill=activation.is_drill,
    )


def _link_cases(
    activation: Activation, case_ids: Iterable[int], *, reason: str, actor=None, log: bool = True
) -> list[int]:
    """Link cases to a locked activation; returns the ids newly linked (each gets a case timeline entry)."""
    links = [(activation, list(case_ids))]
    return _link_cases_many(links, reason=reason, actor=actor, log=log).get(activation.pk, [])


def _link_cases_many(
    links: Sequence[tuple[Activation, list[int]]], *, reason: str, actor=None, log: bool = True
) -> dict[int, list[int]]:
    """Link cases to locked activations, one INSERT each for the links, the case timeline entries and
    the activation timeline entries whatever their number; returns the ids newly linked, by activation.
    Without `log` no activation timeline entry is written: each linked case's own entry is on the
    activation's combined timeline anyway (selectors.activation_events_for)."""
    from complaints.services import EventRow, case_events_record_bulk

    wanted = {a.pk: list(dict.fromkeys(ids)) for a, ids in links if ids and not a.is_drill}
    if not wanted:
        return {}
    inserted = _insert_links([(a, pk) for a, ids in wanted.items() for pk in ids], reason=reason)
    new = {a: [pk for pk in ids if (a, pk) in inserted] for a, ids in wanted.items()}
    new = {a: ids for a, ids in new.items() if ids}
    if not new:
        return {}
    activations = [a for a, _ids in links if a.pk in new]
    rows = []
    for activation in activations:
        summary = _("Covered by emergency response #%(id)s (%(playbook)s)") % {
            "id": activation.pk, "playbook": activation.playbook.name_zh,
        }
        data = {"activation_id": activation.pk, "playbook_id": activation.playbook_id, "reason": reason}
        rows += [EventRow(case_id=pk, kind="activation", summary=summary, data=data) for pk in new[activation.pk]]
    case_events_record_bulk(rows)
    if not log:
        return new
    member = selectors.group_member_of(actor) if actor is not None else None
    ActivationEvent.objects.bulk_create(
        ActivationEvent(
            activation=activation, kind=ActivationEventKind.CASE_LINKED, actor=actor,
            department=member.department if member else "",
            summary=_("%(n)d case(s) linked") % {"n": len(new[activation.pk])},
            data={"case_ids": new[activation.pk], "reason": reason},
        )
        for activation in activations
    )
    return new


def _insert_links(pairs: list[tuple[int, int]], *, reason: str) -> set[tuple[int, int]]:
    """INSERT the (activation, case) links that do not exist yet, in one statement; returns those
    inserted. The unique (activation, case) decides, so no read of the existing links first."""
    table = ActivationCase._meta.db_table
    linked_at = connection.ops.adapt_datetimefield_value(timezone.now())
    inserted: set[tuple[int, int]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), LINK_CHUNK):
            chunk = pairs[start:start + LINK_CHUNK]
            cursor.execute(
                f"INSERT INTO {table} (activation_id, case_id, reason, linked_at) "
                f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(chunk))} "
                "ON CONFLICT (activation_id, case_id) DO NOTHING RETURNING activation_id, case_id",
                [value for activation_id, case_id in chunk for value in (activation_id, case_id, reason, linked_at)],
            )
            inserted.update((activation_id, case_id) for activation_id, case_id in cursor.fetchall())
    return inserted


def _lock_open(*, playbook_id: int, category_id: int | None) -> Activation | None:
    """The open real activation of the playbook and category, its row locked, with its playbook's
    name only (the rest of the playbook loads if asked for, as with `only()`).

    Every create of a spike (and every case matching a trigger) joins through here: written
    out, the statement costs a tenth of the CPU the ORM took to build it (0.64 ms).
    """
    lock = ""
    if connection.features.has_select_for_update:
        lock = " FOR UPDATE OF a" if connection.features.has_select_for_update_of else " FOR UPDATE"
    states = ", ".join(["%s"] * len(OPEN_ACTIVATION_STATES))
    same_category = "a.category_id IS NULL" if category_id is None else "a.category_id = %s"
    found = list(Activation.objects.raw(
        f"SELECT a.*, p.name_zh AS playbook_name_zh "
        f"FROM {Activation._meta.db_table} a JOIN {Playbook._meta.db_table} p ON p.id = a.playbook_id "
        f"WHERE a.playbook_id = %s AND a.state IN ({states}) AND {same_category} AND NOT a.is_drill "
        f"ORDER BY a.activated_at DESC, a.id DESC LIMIT 1{lock}",
        [playbook_id, *OPEN_ACTIVATION_STATES, *([] if category_id is None else [category_id])],
    ))
    if not found:
        return None
    activation = found[0]
    activation.playbook = Playbook.from_db(
        connection.alias, ["id", "name_zh"], [activation.playbook_id, activation.playbook_name_zh]
    )
    return activation


# -- opening and joining ---------------------------------------------------------------------


def activation_open_or_join(
    *,
    playbook_id: int,
    category_id: int | None,
    case_ids: list[int],
    reason: str,
    trigger: str = ActivationTrigger.AUTO,
    actor=None,
    lead_id: int | None = None,
    note: str = "",
    more_cases_on_open: Callable[[], list[int]] | None = None,
    log_join: bool = True,
) -> tuple[Activation | None, bool]:
    """Open an activation of the playbook's active version for these cases, or join the open one.

    Returns (activation, created); (None, False) when the playbook has no active version.
    `more_cases_on_open` gives further cases to link only when this call opens it (a spike's window).
    Without `log_join` joining writes no activation timeline entry (the one new case of each
    create during a spike: thousands of "1 case(s) linked" entries would bury the response).
    On creation: tasks from the version's steps, the timeline, the case timeline entries, the
    lead's and on-duty members' alerts (in-app, e-mail, SMS) and `activation.created`.
    """
    with transaction.atomic():
        existing = _lock_open(playbook_id=playbook_id, category_id=category_id)
        if existing is not None:
            _link_cases(existing, case_ids, reason=reason, actor=actor, log=log_join)
            return existing, False
        version = _version_for(playbook_id)
        if version is None:
            return None, False
        now = timezone.now()
        try:
            with transaction.atomic():
                activation = Activation.objects.create(
                    playbook_id=playbook_id, playbook_version=version, category_id=category_id,
                    trigger=trigger, lead_id=lead_id or selectors.lead_for_new_activation(at=now),
                    note=note, created_by=actor, activated_at=now,
                )
        except IntegrityError:
            # Someone opened it first (the partial unique constraint): join theirs.
            existing = _lock_open(playbook_id=playbook_id, category_id=category_id)
            if existing is None:
                raise
            _link_cases(existing, case_ids, reason=reason, actor=actor, log=log_join)
            return existing, False
        activation = Activation.objects.select_related("playbook", "playbook_version", "category").get(pk=activation.pk)
        _copy_tasks(activation, version)
        event_record(
            activation, kind=ActivationEventKind.ACTIVATED, actor=actor,
            summary=_("Emergency response started (%(trigger)s)") % {"trigger": activation.get_trigger_display()},
            body=note, data={"playbook_version": version.number, "reason": reason},
        )
        if more_cases_on_open is not None:
            case_ids = [*case_ids, *more_cases_on_open()]
        linked = _link_cases(activation, case_ids, reason=reason, actor=actor)
        _alert(activation, case_count=len(linked))
        activation_publish(activation, "activation.created")
    logger.info(
        "activation opened",
        extra={"activation_id": activation.pk, "playbook_id": playbook_id, "cases": len(linked), "trigger": trigger},
    )
    return activation, True


def activations_open_or_join(
    *, cases: Mapping[tuple[int, int | None], list[int]], reason: str
) -> list[Activation]:
    """`activation_open_or_join` for the cases of many (playbook, category) pairs at once (a sweep
    batch's emergency escalations): the open activations are locked and joined in one transaction
    with one INSERT each for the links and timelines; a pair with none open opens it one by one.
    Returns the activations joined or opened."""
    if not cases:
        return []
    pairs = Q()
    for playbook_id, category_id in cases:
        pairs |= Q(playbook_id=playbook_id, category_id=category_id)
    with transaction.atomic():
        open_ = {
            (a.playbook_id, a.category_id): a
            for a in Activation.objects.select_for_update(of=("self",))
            .select_related("playbook", "playbook_version", "category")
            .filter(pairs, state__in=OPEN_ACTIVATION_STATES, is_drill=False)
            .order_by("pk")
        }
        _link_cases_many([(open_[pair], ids) for pair, ids in cases.items() if pair in open_], reason=reason)
    activations = list(open_.values())
    for (playbook_id, category_id), ids in cases.items():
        if (playbook_id, category_id) not in open_:
            activation, _created = activation_open_or_join(
                playbook_id=playbook_id, category_id=category_id, case_ids=ids, reason=reason
            )
            if activation is not None:
                activations.append(activation)
    return activations


def activation_start_drill(*, playbook: Playbook, actor=None) -> Activation:
    """Run the playbook's active version as a drill: no cases, alerts marked as drills, no webhooks."""
    version = _version_for(playbook.pk)
    if version is None:
        raise ValidationFailed.single("playbook", "no_active_version", _("The playbook has no active version."))
    now = timezone.now()
    lead_id = actor.pk if actor is not None and actor.has_perm("contingency.drills") and not actor.is_superuser else None
    activation = Activation.objects.create(
        playbook=playbook, playbook_version=version, category_id=playbook.category_id, is_drill=True,
        trigger=ActivationTrigger.MANUAL, lead_id=lead_id or selectors.lead_for_new_activation(at=now),
        created_by=actor, activated_at=now,
    )
    activation = Activation.objects.select_related("playbook", "playbook_version", "category").get(pk=activation.pk)
    _copy_tasks(activation, version)
    event_record(activation, kind=ActivationEventKind.ACTIVATED, actor=actor, summary=_("Drill started"),
                 data={"playbook_version": version.number, "drill": True})
    _alert(activation, case_count=0)
    return activation


def activation_create_manual(*, actor, playbook_id: int, case_ids: list[int], note: str = "") -> tuple[Activation, bool]:
    """A lead activates a playbook by hand for several cases (joins the open activation if any).

    Input is validated by the API serializer (the playbook exists, the cases exist).
    """
    if not actor.has_perm("contingency.activate"):
        raise ActionNotPermitted(_("Only the emergency lead may activate a playbook."))
    playbook = Playbook.objects.filter(pk=playbook_id).first()
    if playbook is None:
        raise ValidationFailed.single("playbook", "does_not_exist", _("No such playbook."))
    if _version_for(playbook.pk) is None:
        raise ValidationFailed.single("playbook", "no_active_version", _("The playbook has no active version."))
    category_id = playbook.category_id
    if category_id is None and case_ids:
        from complaints.selectors import case_trigger_facts

        facts = case_trigger_facts(case_id=case_ids[0])
        category_id = facts["category_id"] if facts else None
    lead_id = None if actor.is_superuser else actor.pk
    activation, created = activation_open_or_join(
        playbook_id=playbook.pk, category_id=category_id, case_ids=case_ids, reason=LinkReason.MANUAL,
        trigger=ActivationTrigger.MANUAL, actor=actor, lead_id=lead_id, note=note,
    )
    assert activation is not None
    if not created and note:
        with transaction.atomic():
            event_record(activation, kind=ActivationEventKind.COMMENT, actor=actor, summary=note[:200], body=note)
    return activation, created
