"""Re-encrypting stored personal data and files under the newest key (`manage.py rotate_keys`).

What is encrypted is found from the models, not listed: every `EncryptedField` column and every
FileField on the encrypted storage, in any installed app. Work goes in batches by primary key,
each batch in its own short transaction, so a run can be stopped at any point and run again:
values already under the newest key are skipped (checked with that key alone), so a second run
only reads. Blind indexes are keyed by PII_INDEX_KEY, not by these keys, and stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import cast

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.functions import Cast

from common.file_crypto import EncryptedFileSystemStorage, UnreadableFile
from common.pii import EncryptedField, is_current, reencrypt

Progress = Callable[[str], None]


@dataclass
class RotationResult:
    checked: int = 0
    rotated: int = 0
    missing_files: list[str] = field(default_factory=list)


def encrypted_columns() -> Iterator[tuple[type[models.Model], list[EncryptedField]]]:
    """Each concrete model with encrypted columns, and those columns."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            yield model, fields


def encrypted_file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage):
                yield model, f


def _label(model: type[models.Model], what: str) -> str:
    return f"{model._meta.label}.{what}"


def _reencrypt(token: str, *, model: type[models.Model], pk: object) -> str:
    try:
        return reencrypt(token)
    except ValueError as exc:
        raise ValueError(f"{model._meta.label} row {pk}: {exc}") from exc


def _update_tokens(model: type[models.Model], fields: list[EncryptedField], tokens_by_pk: dict) -> None:
    """Write these tokens in one UPDATE, past the ORM: the field would encrypt them again, and no
    save() hook, timestamp or version should change for a new ciphertext of the same value.
    A VALUES list (its columns are column1, column2, ... in PostgreSQL and SQLite alike) plans
    in milliseconds where a UNION of 500 SELECTs took most of a second."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    assignments = ", ".join(f"{quote(cast(str, f.column))} = v.column{i + 2}" for i, f in enumerate(fields))
    sql = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(tokens_by_pk))}) AS v "
        f"WHERE {table}.{quote(cast(str, pk.column))} = CAST(v.column1 AS {pk.rel_db_type(connection)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pk_value, tokens in tokens_by_pk.items() for value in (pk_value, *tokens)])


def _raw_tokens(queryset: models.QuerySet, fields: list[EncryptedField]) -> Iterator[tuple]:
    """(pk, token, token, ...) of each row, as stored: a text cast has no converter, so nothing
    is decrypted on the way out."""
    raw = {f"_raw_{f.attname}": Cast(f.attname, output_field=models.TextField()) for f in fields}
    yield from queryset.annotate(**raw).values_list("pk", *raw)


def _rotate_rows(
    model: type[models.Model], fields: list[EncryptedField], pks: list, *, skip_locked: bool
) -> tuple[int, list]:
    """Re-encrypt the stale values of these rows; (rows rotated, rows busy).

    Rows are read without a lock first, so a run with nothing to do only reads; the stale ones
    are then locked and read again in one transaction (a user may have saved them meanwhile).
    """
    manager = model._base_manager
    candidates = [
        pk
        for pk, *tokens in _raw_tokens(manager.filter(pk__in=pks), fields)
        if any(token and not is_current(token) for token in tokens)
    ]
    if not candidates:
        return 0, []
    stale: dict = {}  # pk -> the row's tokens, all under the newest key
    with transaction.atomic():
        locked = manager.filter(pk__in=candidates).select_for_update(skip_locked=skip_locked)
        seen = set()
        for pk, *tokens in _raw_tokens(locked, fields):
            seen.add(pk)
            fresh = [_reencrypt(t, model=model, pk=pk) if t and not is_current(t) else t for t in tokens]
            if fresh != tokens:
                stale[pk] = fresh
        if stale:
            _update_tokens(model, fields, stale)
    # With skip_locked, a candidate not seen is held by a user's transaction; without it, it was
    # deleted meanwhile, and retrying it finds nothing.
    return len(stale), [pk for pk in candidates if pk not in seen] if skip_locked else []


def _pk_batches(model: type[models.Model], batch_size: int) -> Iterator[list]:
    last = None
    while True:
        qs = model._base_manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        pks = list(qs.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        yield pks
        last = pks[-1]


def rotate_columns(*, batch_size: int, progress: Progress) -> RotationResult:
    """Re-encrypt every encrypted column under the newest key, batch by batch.

    Rows locked by a user's transaction are skipped in the pass and retried at its end, waiting
    for the lock then. Raises ValueError if a value is under none of the configured keys.
    """
    result = RotationResult()
    for model, fields in encrypted_columns():
        label = _label(model, ",".join(f.name for f in fields))
        total = model._base_manager.count()
        progress(f"{label}: {total} rows to check")
        busy: list = []
        done = rotated = 0
        for pks in _pk_batches(model, batch_size):
            count, locked = _rotate_rows(model, fields, pks, skip_locked=True)
            busy += locked
            done += len(pks) - len(locked)
            rotated += count
            progress(f"{label}: {done}/{total} rows checked, {rotated} re-encrypted")
        for start in range(0, len(busy), batch_size):
            pks = busy[start : start + batch_size]
            count, _ = _rotate_rows(model, fields, pks, skip_locked=False)
            done += len(pks)
            rotated += count
            progress(f"{label}: {done}/{total} rows checked, {rotated} re-encrypted (after waiting for locks)")
        result.checked += done
        result.rotated += rotated
    return result


def rotate_files(*, batch_size: int, progress: Progress) -> RotationResult:
    """Re-encrypt every encrypted file under the newest key (and encrypt legacy clear files).

    Each file is replaced in one rename, so the rows keep their names and nothing in the
    database changes. Missing files are reported, not fatal.
    """
    result = RotationResult()
    for model, file_field in encrypted_file_fields():
        label = _label(model, file_field.name)
        storage = file_field.storage
        assert isinstance(storage, EncryptedFileSystemStorage)
        total = model._base_manager.count()
        progress(f"{label}: {total} files to check")
        done = rotated = 0
        for pks in _pk_batches(model, batch_size):
            names = model._base_manager.filter(pk__in=pks).values_list(file_field.attname, flat=True)
            for name in names:
                if not name:
                    continue
                try:
                    rotated += storage.reencrypt(name)
                except FileNotFoundError:
                    result.missing_files.append(name)
                except UnreadableFile as exc:
                    raise UnreadableFile(f"{label} {name}: {exc}") from exc
            done += len(pks)
            progress(f"{label}: {done}/{total} files checked, {rotated} re-encrypted")
        result.checked += done
        result.rotated += rotated
    return result
