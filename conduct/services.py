"""Writes of the conduct app: importing contact records, running checks, changing rules.

Personal data (account references, contacted numbers) is never logged: only counts and ids.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.bulk import insert_rows
from common.exceptions import ActionNotPermitted, NotFound, ValidationFailed
from common.pii import blind_index, reveal
from complaints.choices import Finding
from complaints.models import ComplaintCase
from complaints.selectors import case_get_for
from complaints.services.cases import account_match_key  # the case's own blind index, so they match
from conduct import timeline
from conduct.models import CollectionContact, ConductBreach, ConductCheck, ConductRule
from conduct.rule_params import rule_params_clean
from conduct.rules_engine import Contact, RuleSpec, evaluate
from conduct.validation import COLUMNS, REQUIRED_COLUMNS, contact_rows_validate, number_match_key

logger = logging.getLogger(__name__)

# Column order of the set-based insert (foreign keys by attname).
_INSERT_FIELDS = (
    "client_id",
    "source_id",
    "account_reference",
    "account_index",
    "at",
    "channel",
    "direction",
    "outcome",
    "party",
    "contacted_number",
    "contacted_number_index",
    "consented_contact",
    "collector",
    "agency",
    "collectors_present",
    "recording_ref",
    "created_at",
)
_CHECK_LOCK_NAMESPACE = 0x636F6E64  # "cond": advisory locks of conduct checks, one per case


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


def _insert_ignoring_known(rows: list[tuple]) -> int:
    """INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING: one statement for the whole
    batch; rows whose (client, source_id) exists are skipped. Returns how many were new."""
    meta = CollectionContact._meta
    fields = [cast(Field, meta.get_field(name)) for name in _INSERT_FIELDS]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    arrays = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
            f"SELECT * FROM unnest({casts}) "
            "ON CONFLICT (client_id, source_id) DO NOTHING RETURNING 1",
            arrays,
        )
        return len(cursor.fetchall())


def contacts_import(*, actor, rows: list[dict]) -> ImportResult:
    """Store validated contact rows (`conduct.validation.contact_rows_validate`) sent by `actor`.

    Idempotent on (actor, source_id): rows already stored are counted as unchanged and not
    written again, also when the same batch arrives twice at once. One transaction, one
    statement. Raises ActionNotPermitted for roles that may not import.
    """
    if not actor.has_perm("conduct.import_contacts"):
        raise ActionNotPermitted(_("You may not import collection contact records."))
    result = _contacts_insert(client=actor, rows=rows)
    logger.info(
        "collection contacts imported",
        extra={"client_id": actor.pk, "rows_created": result.created, "rows_unchanged": result.unchanged},
    )
    return result


def _known_source_ids(client, rows: list[dict]) -> set[str]:
    source_ids = [row["source_id"] for row in rows]
    return set(
        CollectionContact.objects.filter(client=client, source_id__in=source_ids).values_list("source_id", flat=True)
    )


def _contacts_insert(*, client, rows: list[dict]) -> ImportResult:
    now = timezone.now()
    # A replayed batch is mostly known rows: skip encrypting them (the INSERT still ignores
    # rows that a concurrent request stored meanwhile).
    known = _known_source_ids(client, rows)
    index_cache: dict[str, str] = {}
    prepared = []
    for row in rows:
        if row["source_id"] in known:
            continue
        account = row["account_reference"]
        if account not in index_cache:
            index_cache[account] = account_match_key(account)
        number = row.get("contacted_number") or ""
        prepared.append((
            client.pk,
            row["source_id"],
            CollectionContact._meta.get_field("account_reference").get_prep_value(account),
            index_cache[account],
            row["at"],
            row["channel"],
            row["direction"],
            row["outcome"],
            row["party"],
            CollectionContact._meta.get_field("contacted_number").get_prep_value(number),
            blind_index(number_match_key(number)) if number else "",
            bool(row.get("consented_contact")),
            row["collector"],
            row.get("agency") or "",
            row.get("collectors_present"),
            row.get("recording_ref") or "",
            now,
        ))
    created = 0
    if prepared:
        with transaction.atomic():
            created = _insert_ignoring_known(prepared)
    return ImportResult(created=created, unchanged=len(rows) - created)


# -- CSV upload in the case workspace --------------------------------------------------------


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without the BOM spreadsheets write), else GB18030 (Excel on Chinese Windows)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed.single(
            "file", "invalid_encoding", _("Save the file as UTF-8 or GB18030 text (CSV).")
        ) from None


def _csv_rows(text: str, *, default_account: str) -> list[dict]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ValidationFailed.single("file", "empty", _("The file is empty.")) from None
    except csv.Error:
        raise ValidationFailed.single("file", "invalid", _("The file is not a readable CSV file.")) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        errors = {}
        if missing:
            errors["header"] = [("required", _("Missing columns: %(names)s") % {"names": ", ".join(missing)})]
        if unknown:
            errors.setdefault("header", []).append(
                ("unknown_field", _("Unknown columns: %(names)s") % {"names": ", ".join(unknown[:10])})
            )
        raise ValidationFailed(errors)
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines spreadsheets leave at the end
            # Empty cells are absent values, so optional columns take their defaults.
            row = {name: value.strip() for name, value in zip(header, values, strict=False) if value.strip()}
            row.setdefault("account_reference", default_account)
            rows.append(row)
    except csv.Error:
        raise ValidationFailed.single("file", "invalid", _("The file is not a readable CSV file.")) from None
    return rows


def contacts_import_csv(*, actor, case: ComplaintCase, file) -> ImportResult:
    """Import a CSV of contact records uploaded on a case (same columns and checks as the API).

    The account reference of rows that leave it empty is the case's. Errors name the row as
    `rows[17].at` (data rows counted from 0). Raises ActionNotPermitted unless the actor may work
    the case, ValidationFailed for a bad file or row (nothing is stored then).
    """
    if not actor.has_perm("complaints.work_case", case):
        raise ActionNotPermitted(_("You may not add contact records to this case."))
    limit = settings.CONDUCT_IMPORT_MAX_BYTES
    raw = file.read(limit + 1)
    if len(raw) > limit:
        raise ValidationFailed.single(
            "file", "max_size", _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    rows = _csv_rows(_decode(raw), default_account=reveal(case.account_reference))
    validated = contact_rows_validate({"rows": rows}, root="rows")
    # The uploading user is the client: their source ids are theirs, as an API client's are.
    result = _contacts_insert(client=actor, rows=validated)
    logger.info(
        "collection contacts uploaded",
        extra={"case_id": case.pk, "rows_created": result.created, "rows_unchanged": result.unchanged},
    )
    return result


# -- conduct checks --------------------------------------------------------------------------


def case_account_index(case: ComplaintCase) -> str:
    """The blind index of the case's account reference; computed (never logged) for cases
    registered before complaints stored it."""
    return case.account_index or account_match_key(case.account_reference)


def check_window(case: ComplaintCase, now: datetime) -> tuple[datetime, datetime]:
    """From CONDUCT_CHECK_WINDOW_DAYS before the case's receipt to the time of the check."""
    return case.received_at - timedelta(days=settings.CONDUCT_CHECK_WINDOW_DAYS), now


def _contacts_for_rules(account_index: str, since: datetime, until: datetime) -> list[Contact]:
    if not account_index:
        return []
    # Only the columns the rules need: nothing is decrypted.
    rows = (
        CollectionContact.objects.filter(account_index=account_index, at__gte=since, at__lte=until)
        .order_by("at", "id")
        .values_list(
            "id", "source_id", "at", "channel", "direction", "outcome", "party",
            "contacted_number_index", "consented_contact", "collectors_present", "collector", "agency",
        )
    )
    return [Contact(*row) for row in rows]


def _suggested(contacts: list[Contact], breaches: list) -> str:
    if not contacts:
        return ""  # no evidence either way: suggest nothing
    return Finding.SUBSTANTIATED if breaches else Finding.UNSUBSTANTIATED


def _summary(check: ConductCheck) -> str:
    if not check.contacts_checked:
        return _("Conduct check: no collection contacts in the window")
    count = len(check.breaches)
    if not count:
        return ngettext(
            "Conduct check: no breach in %(n)d contact", "Conduct check: no breach in %(n)d contacts",
            check.contacts_checked,
        ) % {"n": check.contacts_checked}
    return ngettext(
        "Conduct check: %(count)d breach in %(n)d contacts",
        "Conduct check: %(count)d breaches in %(n)d contacts",
        count,
    ) % {"count": count, "n": check.contacts_checked}


def conduct_check_record(*, case: ComplaintCase, actor=None, now: datetime | None = None) -> ConductCheck:
    """Judge the contacts of the case's account in its window against the enabled rules.

    Writes the check, its breach rows (which replace the case's previous ones in the
    statistics) and a `conduct_check` timeline entry, in one transaction. No permission check:
    callers decide (the API through `conduct_check_run`, the automatic check on verification).
    """
    checked_at = now or timezone.now()
    since, until = check_window(case, checked_at)
    contacts = _contacts_for_rules(case_account_index(case), since, until)
    rules = [RuleSpec(r.code, r.kind, r.params) for r in ConductRule.objects.filter(enabled=True)]
    breaches = evaluate(rules, contacts, ZoneInfo(settings.CONDUCT_TIME_ZONE))
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite (make run) has one writer at a time anyway
            with connection.cursor() as cursor:
                # Two checks of one case at once: one after the other, so one stays the current one.
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CHECK_LOCK_NAMESPACE, case.pk % 2**31])
        check = ConductCheck.objects.create(
            case=case,
            checked_at=checked_at,
            window_since=since,
            window_until=until,
            contacts_checked=len(contacts),
            breaches=[b.as_json() for b in breaches],
            suggested_finding=_suggested(contacts, breaches),
            actor=actor,
        )
        ConductBreach.objects.filter(case=case, is_current=True).update(is_current=False)
        # One unnest INSERT: a check of a busy account can write hundreds of rows.
        insert_rows(
            ConductBreach,
            ["check_run_id", "case_id", "rule_code", "contact_id", "collector", "agency", "at", "is_current"],
            [(check.pk, case.pk, b.rule, b.decisive.id, b.decisive.collector, b.decisive.agency, b.decisive.at, True)
             for b in breaches],
        )
        timeline.timeline_record(
            case=case,
            actor=actor,
            summary=_summary(check),
            data={
                "check_id": check.pk,
                "contacts_checked": check.contacts_checked,
                "breaches": len(breaches),
                "rules": sorted({b.rule for b in breaches}),
                "suggested_finding": check.suggested_finding or None,
            },
        )
    logger.info(
        "conduct check recorded",
        extra={"case_id": case.pk, "check_id": check.pk, "contacts": len(contacts), "breaches": len(breaches)},
    )
    return check


def conduct_check_run(*, actor, case_id: int) -> ConductCheck:
    """Run a check on demand. NotFound for a case the actor may not see, ActionNotPermitted
    for one they may see but not work."""
    case = case_get_for(actor=actor, case_id=case_id)
    if not actor.has_perm("complaints.work_case", case):
        raise ActionNotPermitted(_("You may not run checks on this case."))
    return conduct_check_record(case=case, actor=actor)


def verification_finding_check(case: ComplaintCase, payload: dict, actor) -> dict | None:
    """Transition check for `complete_verification`: a finding other than the latest check's
    suggestion needs an `override_reason`; the reason and the suggestion go into the
    transition's timeline payload.

    Runs inside the transition's transaction, after its payload is validated.
    """
    from conduct.selectors import conduct_suggested_finding

    suggested = conduct_suggested_finding(case=case)
    finding = payload.get("finding")
    if not suggested or finding == suggested:
        return None
    reason = payload.get("override_reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed.single(
            "override_reason",
            "required",
            _("The conduct check suggests “%(suggested)s”: give the reason for a different finding.")
            % {"suggested": Finding(suggested).label},
        )
    if "\x00" in reason or len(reason) > 10000:
        raise ValidationFailed.single(
            "override_reason", "invalid", _("Give the reason as text of at most 10,000 characters.")
        )
    return {"suggested_finding": suggested, "override_reason": reason.strip()}


# -- rules -----------------------------------------------------------------------------------


def conduct_rule_update(*, actor, code: str, data: dict) -> ConductRule:
    """Switch a rule on or off and change its parameters (admins). `params` is merged into the
    current ones and checked for the rule's kind. NotFound for an unknown code."""
    if not actor.has_perm("conduct.change_rules"):
        raise ActionNotPermitted(_("Only administrators may change conduct rules."))
    with transaction.atomic():
        rule = ConductRule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFound(_("No such rule."))
        if "enabled" in data:
            rule.enabled = data["enabled"]
        if "params" in data:
            if not isinstance(data["params"], dict):
                raise ValidationFailed.single("params", "invalid", _("Send the parameters as a JSON object."))
            rule.params = rule_params_clean(rule.kind, {**rule.params, **data["params"]})
        rule.save()
    logger.info("conduct rule changed", extra={"rule": rule.code, "enabled": rule.enabled, "user_id": actor.pk})
    return rule
