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

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from common.file_crypto import EncryptedFileSystemStorage, UnreadableFile
from common.pii import EncryptedField, Sensitive, decrypt

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


def _is_current(newest: Fernet, token: str) -> bool:
    try:
        newest.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _decrypt(token: str, *, model: type[models.Model], pk: object) -> str:
    try:
        return decrypt(token)
    except ValueError as exc:
        raise ValueError(f"{model._meta.label} row {pk}: {exc}") from exc


def _rotate_rows(
    model: type[models.Model], fields: list[EncryptedField], pks: list, *, newest: Fernet, skip_locked: bool
) -> tuple[int, list]:
    """Re-encrypt the stale values of these rows in one transaction; (rows rotated, rows busy)."""
    aliases = {f"_raw_{f.attname}": f for f in fields}
    # The raw tokens: a text cast has no converter, so nothing is decrypted on the way out.
    raw = {alias: Cast(f.attname, output_field=models.TextField()) for alias, f in aliases.items()}
    manager = model._base_manager
    rotated = 0
    with transaction.atomic():
        rows = (
            manager.filter(pk__in=pks)
            .select_for_update(skip_locked=skip_locked)
            .annotate(**raw)
            .values_list("pk", *aliases)
        )
        seen = set()
        for pk, *tokens in rows:
            seen.add(pk)
            changes = {
                f.attname: Sensitive(_decrypt(token, model=model, pk=pk), f.pii_kind)
                for f, token in zip(aliases.values(), tokens, strict=True)
                if token and not _is_current(newest, token)
            }
            if changes:
                # A queryset update: no save() hooks, timestamps or versions change, only the
                # ciphertext (the field encrypts the clear value under the newest key).
                manager.filter(pk=pk).update(**changes)
                rotated += 1
    return rotated, [pk for pk in pks if pk not in seen]


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
    newest = Fernet(settings.PII_ENCRYPTION_KEY[0].encode())
    result = RotationResult()
    for model, fields in encrypted_columns():
        label = _label(model, ",".join(f.name for f in fields))
        total = model._base_manager.count()
        progress(f"{label}: {total} rows to check")
        busy: list = []
        done = rotated = 0
        for pks in _pk_batches(model, batch_size):
            count, locked = _rotate_rows(model, fields, pks, newest=newest, skip_locked=True)
            busy += locked
            done += len(pks) - len(locked)
            rotated += count
            progress(f"{label}: {done}/{total} rows checked, {rotated} re-encrypted")
        for start in range(0, len(busy), batch_size):
            pks = busy[start : start + batch_size]
            count, _ = _rotate_rows(model, fields, pks, newest=newest, skip_locked=False)
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
