"""Bulk intake: many validated create payloads stored as N single creates would store them.

`cases_import` writes exactly what `case_create` writes for each case — the case with its
reference, encrypted personal data and blind indexes, team, repeat flag and frozen SLA terms;
its `created` timeline entry; its acknowledge and final-answer deadlines — and sends
`cases_created` (the batch form of `case_created`) after commit: webhooks publish one
`case.created` per case, the contingency trigger check runs as for each case in turn. It does so
set-based: one query per batch for teams, policies, repeats and external IDs, one INSERT each for
cases, timeline entries, deadlines and idempotency records.

Idempotency: an item's key is claimed in the same transaction as its case, with INSERT … ON
CONFLICT DO NOTHING, in the scope of the single create's `Idempotency-Key`: one key is one case
whichever way it is sent. Two identical batches sent at once, or a batch and a single create,
store the case once: the second waits on the unique index and then replays. The import stores
the case's id and reference as the key's answer; a single create replaying it answers the case.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from common.models import IdempotencyRecord
from complaints import signals, sla
from complaints.choices import CaseState, DeadlineKind, EventKind, Severity
from complaints.models import CaseEvent, Category, ComplaintCase
from complaints.selectors import sla_policy_for
from complaints.services.cases import (
    EXTERNAL_ID_TAKEN,
    EXTERNAL_ID_UNIQUE,
    Complainant,
    _index_personal_data,
    _team_for_new_case,
    case_require,
)
from timers.calendar import add_duration
from timers.models import Deadline

logger = logging.getLogger(__name__)

MAX_BATCH = 1000
# The single create's scope: a queue replayed after some of it went in one by one, or the other
# way round, stores each case once.
IDEMPOTENCY_SCOPE = "complaints.create"
# What an item's key keeps as its answer (a single create keeps the whole case).
STORED_ANSWER = frozenset({"id", "reference"})
# A concurrent batch may take an external ID between our check and our insert; we check again.
STORE_ATTEMPTS = 3
START_DEADLINES = (DeadlineKind.ACKNOWLEDGE, DeadlineKind.FINAL_ANSWER)


@dataclass(frozen=True)
class ImportItem:
    """One validated item: `data` are `case_create`'s keyword arguments (the input serializer's output)."""

    index: int
    data: dict[str, Any]
    idempotency_key: str | None = None
    fingerprint: str = ""


@dataclass
class ImportOutcome:
    """What became of one item: 201 stored, 200 replayed, 400/409 refused (`errors`: attr → [(code, detail)])."""

    index: int
    status: int
    case_id: int | None = None
    reference: str | None = None
    errors: dict[str | None, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.status == 201


def _refused(index: int, status: int, attr: str | None, code: str, detail: str) -> ImportOutcome:
    return ImportOutcome(index=index, status=status, errors={attr: [(code, str(detail))]})


def cases_import(*, actor: Any, items: Sequence[ImportItem]) -> list[ImportOutcome]:
    """Store the valid items of a batch as single creates would, in one transaction; one outcome per item.

    Preconditions: at most MAX_BATCH items, each validated by the import's input serializer.
    Items refused here (no team for the category, external ID already used, idempotency key
    reused with another payload) get a 400/409 outcome; the others are stored. Raises
    ActionNotPermitted for roles that may not register complaints. Sends `cases_created` with
    the stored cases after commit.
    """
    if len(items) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} items a batch")
    case_require(actor=actor, permission="complaints.create_case")
    if not items:
        return []
    outcomes: dict[int, ImportOutcome] = {}
    created: list[int] = []
    for attempt in range(STORE_ATTEMPTS):
        try:
            with transaction.atomic():
                outcomes, created = _store(actor=actor, items=items)
        except IntegrityError as exc:
            if EXTERNAL_ID_UNIQUE not in str(exc) or attempt == STORE_ATTEMPTS - 1:
                raise
            continue
        break
    if created:
        signals.send_after_commit(signals.cases_created, case_ids=created, actor_id=actor.pk)
    logger.info(
        "cases imported",
        extra={
            "actor_id": actor.pk,
            "items": len(items),
            "stored": len(created),
            "replayed": sum(1 for o in outcomes.values() if o.status == 200),
        },
    )
    return [outcomes[item.index] for item in items]


def _store(*, actor: Any, items: Sequence[ImportItem]) -> tuple[dict[int, ImportOutcome], list[int]]:
    outcomes: dict[int, ImportOutcome] = {}
    owners = _key_owners(items)
    pending = _claim_keys(actor, items, owners, outcomes)
    pending = _refuse_taken_external_ids(actor, pending, outcomes)
    teams = _teams_by_category(actor, pending, outcomes)
    stored = [item for item in pending if item.index not in outcomes]
    cases = [_new_case(actor, item, teams[item.data["category"].pk]) for item in stored]
    _mark_repeats(cases)
    _insert_cases(cases)
    _insert_created_events(actor, cases)
    _insert_start_deadlines(cases)
    for item, case in zip(stored, cases, strict=True):
        outcomes[item.index] = ImportOutcome(
            index=item.index, status=201, case_id=case.pk, reference=case.reference
        )
    _finish_keys(actor, [item for item in pending if item.idempotency_key], outcomes)
    _answer_repeated_keys(items, owners, outcomes)
    return outcomes, [case.pk for case in cases]


# -- checks ----------------------------------------------------------------------------------


def _key_owners(items: Sequence[ImportItem]) -> dict[str, ImportItem]:
    """The first item of each idempotency key: the one that may create; later ones answer as its retries."""
    owners: dict[str, ImportItem] = {}
    for item in items:
        if item.idempotency_key:
            owners.setdefault(item.idempotency_key, item)
    return owners


def _key_reused(index: int) -> ImportOutcome:
    return _refused(
        index,
        409,
        "idempotency_key",
        "idempotency_key_reused",
        _("This idempotency key was used with a different case; use a new key."),
    )


def _claim_keys(
    actor: Any, items: Sequence[ImportItem], owners: dict[str, ImportItem], outcomes: dict[int, ImportOutcome]
) -> list[ImportItem]:
    """Insert the key records of the owners (waiting on keys a concurrent request holds). Owners whose
    key was used before are replayed (200) or, with another payload, refused (409); returns the
    items still to store: those without a key and the owners of new keys."""
    if not owners:
        return list(items)
    keys = sorted(owners)  # one lock order for every batch, so two batches cannot deadlock
    IdempotencyRecord.objects.bulk_create(
        [
            IdempotencyRecord(user=actor, scope=IDEMPOTENCY_SCOPE, key=key, request_hash=owners[key].fingerprint)
            for key in keys
        ],
        ignore_conflicts=True,
    )
    claimed = IdempotencyRecord.objects.filter(user=actor, scope=IDEMPOTENCY_SCOPE, key__in=keys)
    records = {r.key: r for r in claimed}
    for key, item in owners.items():
        record = records[key]
        if record.status_code is None:
            continue  # ours: a committed record always has its status (it is set in its transaction)
        if record.request_hash != item.fingerprint:
            outcomes[item.index] = _key_reused(item.index)
            continue
        body = record.response_body or {}
        outcomes[item.index] = ImportOutcome(
            index=item.index, status=200, case_id=body.get("id"), reference=body.get("reference")
        )
    return [
        item
        for item in items
        if not item.idempotency_key or (owners[item.idempotency_key] is item and item.index not in outcomes)
    ]


def _refuse_taken_external_ids(
    actor: Any, items: list[ImportItem], outcomes: dict[int, ImportOutcome]
) -> list[ImportItem]:
    """An external ID the creator used before, or earlier in the batch, is refused as `case_create` refuses it."""
    wanted = {item.data.get("external_id") for item in items} - {"", None}
    # The exclude repeats the unique index's predicate: PostgreSQL proves a partial index's
    # predicate from an IN list of at most 100 values, so a batch's 1,000 would scan every case
    # of the creator (0.35 s at a million cases) instead of probing the index.
    taken = (
        set(
            ComplaintCase.objects.filter(created_by=actor, external_id__in=wanted)
            .exclude(external_id="")
            .values_list("external_id", flat=True)
        )
        if wanted
        else set()
    )
    kept = []
    for item in items:
        external_id = item.data.get("external_id") or ""
        if external_id in taken:
            outcomes[item.index] = _refused(item.index, 400, "external_id", "unique", str(EXTERNAL_ID_TAKEN))
            continue
        if external_id:
            taken.add(external_id)
        kept.append(item)
    return kept


def _finish_keys(actor: Any, claimants: list[ImportItem], outcomes: dict[int, ImportOutcome]) -> None:
    """Store the answer of each key this batch claimed; a key whose item was refused is released,
    so a corrected retry can use it, as for a single create."""
    answers: dict[str, tuple[int, dict[str, Any]]] = {}
    released = []
    for item in claimants:
        key, outcome = item.idempotency_key or "", outcomes[item.index]
        if outcome.stored:
            answers[key] = (outcome.status, {"id": outcome.case_id, "reference": outcome.reference})
        else:
            released.append(key)
    claimed = IdempotencyRecord.objects.filter(user=actor, scope=IDEMPOTENCY_SCOPE, status_code__isnull=True)
    if connection.vendor == "postgresql" and answers:
        # One UPDATE from arrays: bulk_update's CASE per row costs ~0.7 s of Python for 1,000.
        table = IdempotencyRecord._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS r SET status_code = v.status, response_body = v.body::jsonb "
                "FROM unnest(%s::text[], %s::int[], %s::text[]) AS v(key, status, body) "
                "WHERE r.user_id = %s AND r.scope = %s AND r.key = v.key AND r.status_code IS NULL",
                [list(answers), [status for status, _ in answers.values()],
                 [json.dumps(body) for _, body in answers.values()], actor.pk, IDEMPOTENCY_SCOPE],
            )
    elif answers:
        records = list(claimed.filter(key__in=list(answers)))
        for record in records:
            record.status_code, record.response_body = answers[record.key]
        IdempotencyRecord.objects.bulk_update(records, ["status_code", "response_body"], batch_size=MAX_BATCH)
    if released:
        claimed.filter(key__in=released).delete()


def _answer_repeated_keys(
    items: Sequence[ImportItem], owners: dict[str, ImportItem], outcomes: dict[int, ImportOutcome]
) -> None:
    """A key given twice in one batch: the later item answers as a retry of the first would."""
    for item in items:
        if item.index in outcomes or not item.idempotency_key:
            continue
        owner = owners[item.idempotency_key]
        first = outcomes[owner.index]
        if owner.fingerprint != item.fingerprint:
            outcomes[item.index] = _key_reused(item.index)
        elif first.case_id is not None:
            outcomes[item.index] = ImportOutcome(
                index=item.index, status=200, case_id=first.case_id, reference=first.reference
            )
        else:
            outcomes[item.index] = ImportOutcome(index=item.index, status=first.status, errors=first.errors)


def _teams_by_category(
    actor: Any, items: list[ImportItem], outcomes: dict[int, ImportOutcome]
) -> dict[int, Team | None]:
    """The receiving team per category (the actor's first team, else the category's default, else the
    first team), chosen once per category as `case_create` chooses it per case."""
    teams: dict[int, Team | None] = {}
    for item in items:
        category: Category = item.data["category"]
        if category.pk not in teams:
            teams[category.pk] = _team_for_new_case(actor, category)
        if teams[category.pk] is None:
            outcomes[item.index] = _refused(
                item.index, 400, "team", "required", _("No team exists to receive the case.")
            )
    return teams


# -- the rows --------------------------------------------------------------------------------


def _new_case(actor: Any, item: ImportItem, team: Team | None) -> ComplaintCase:
    data = item.data
    complainant: Complainant = data["complainant"]
    case: ComplaintCase = ComplaintCase(
        created_by=actor,
        team=team,
        category=data["category"],
        channel=data["channel"],
        severity=data.get("severity", Severity.NORMAL),
        summary=data["summary"],
        description=data.get("description", ""),
        received_at=data.get("received_at") or timezone.now(),
        complainant_name=complainant.name,
        complainant_phone=complainant.phone,
        complainant_id_number=complainant.id_number,
        complainant_email=complainant.email,
        account_reference=data.get("account_reference", ""),
        collection_channel=data.get("collection_channel", ""),
        risk_flags=sorted(set(data.get("risk_flags", ()))),
        external_id=data.get("external_id", ""),
    )
    _index_personal_data(case)
    return case


def _mark_repeats(cases: list[ComplaintCase]) -> None:
    """`is_repeat` as N creates in batch order would set it: the same phone or ID number received in
    the window before, stored earlier or earlier in the batch. One query for the whole batch."""
    phones = {c.phone_index for c in cases if c.phone_index}
    id_numbers = {c.id_number_index for c in cases if c.id_number_index}
    if not cases or not (phones or id_numbers):
        return
    window = settings.REPEAT_COMPLAINT_WINDOW
    earliest = min(c.received_at for c in cases) - window
    latest = max(c.received_at for c in cases)
    seen: dict[str, list[datetime]] = defaultdict(list)
    for phone_index, id_number_index, received_at in ComplaintCase.objects.filter(
        Q(phone_index__in=phones) | Q(id_number_index__in=id_numbers),
        received_at__gte=earliest,
        received_at__lte=latest,
    ).values_list("phone_index", "id_number_index", "received_at"):
        for key in (
            f"p{phone_index}" if phone_index else "",
            f"i{id_number_index}" if id_number_index else "",
        ):
            if key:
                seen[key].append(received_at)
    for case in cases:
        keys = [
            k
            for k in (
                f"p{case.phone_index}" if case.phone_index else "",
                f"i{case.id_number_index}" if case.id_number_index else "",
            )
            if k
        ]
        start = case.received_at - window
        case.is_repeat = any(start <= at <= case.received_at for key in keys for at in seen[key])
        for key in keys:
            seen[key].append(case.received_at)


def _freeze_terms(cases: list[ComplaintCase]) -> None:
    """Each case's SLA terms, as `case_create` freezes them, looked up once per (category, severity)."""
    terms: dict[tuple[int, str], dict[str, Any]] = {}
    for case in cases:
        key = (case.category_id, case.severity)
        if key not in terms:
            policy = sla_policy_for(category=case.category_id, severity=case.severity)
            terms[key] = sla.SlaTerms.from_policy(policy).to_json()
        case.sla_terms = terms[key]


def _insert_cases(cases: list[ComplaintCase]) -> None:
    """One INSERT with the references in it: the ids are drawn from the table's sequence first."""
    if not cases:
        return
    _freeze_terms(cases)
    now = timezone.now()
    for case in cases:
        case.created_at = case.updated_at = now
    if connection.vendor != "postgresql":
        ComplaintCase.objects.bulk_create(cases)
        for case in cases:
            case.reference = _reference(case)
        ComplaintCase.objects.bulk_update(cases, ["reference"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [ComplaintCase._meta.db_table, len(cases)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    for case, pk in zip(cases, ids, strict=True):
        case.pk = pk
        case.reference = _reference(case)
    ComplaintCase.objects.bulk_create(cases)


def _reference(case: ComplaintCase) -> str:
    # As case_create derives it: the creation date and the primary key.
    return f"TS{timezone.localdate(case.created_at):%Y%m%d}{case.pk:07d}"


def _insert_created_events(actor: Any, cases: list[ComplaintCase]) -> None:
    summary = _("Complaint registered")
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                kind=EventKind.CREATED,
                actor=actor,
                summary=summary,
                data={"channel": case.channel, "category": case.category.code, "severity": case.severity},
                to_state=CaseState.INTAKE,
            )
            for case in cases
        ]
    )


def _insert_start_deadlines(cases: list[ComplaintCase]) -> None:
    """Each case's acknowledge and final-answer deadlines from receipt, on its frozen terms."""
    content_type = ContentType.objects.get_for_model(ComplaintCase)
    terms: dict[int, sla.SlaTerms] = {}
    rows = []
    for case in cases:
        if id(case.sla_terms) not in terms:  # one dict per (category, severity): see _freeze_terms
            terms[id(case.sla_terms)] = sla.SlaTerms.from_json(case.sla_terms)
        case_terms = terms[id(case.sla_terms)]
        for kind in START_DEADLINES:
            due_at = add_duration(case.received_at, case_terms.within(kind), case_terms.calendar)
            warn_at = sla.warn_time(case.received_at, due_at, case_terms.warn_ratio)
            rows.append(
                Deadline(
                    content_type=content_type,
                    object_id=case.pk,
                    kind=kind,
                    started_at=case.received_at,
                    due_at=due_at,
                    warn_at=warn_at,
                    next_check_at=warn_at,
                )
            )
    Deadline.objects.bulk_create(rows)
