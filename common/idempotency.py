"""`Idempotency-Key` on create (docs/api-guide.md): one key of one client gives one result, even under races.

How concurrent duplicates collapse to one: the first request inserts the key's row and does its
work in the same transaction. A second request with the same key blocks on the unique index
until that transaction ends; after a commit it finds the finished row and replays it (200, same
body), after a rollback its own insert goes through and it does the work itself.

The bookkeeping is one `INSERT … ON CONFLICT DO NOTHING` (a conflict returns no row instead of
an error, so no savepoint is needed) and one UPDATE storing the answer; the answer is encoded to
JSON once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from common.exceptions import ConflictError, ValidationFailed
from common.models import IdempotencyRecord

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
# How long a key is honoured; clients retry within minutes, so a day is generous.
DEFAULT_TTL = timedelta(hours=24)
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
REPLAYED_HEADER = "Idempotent-Replayed"


def request_fingerprint(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(request: Request) -> str | None:
    """The request's key, or None; a malformed key is a 400."""
    key: str | None = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_RE.match(key):
        raise ValidationFailed.single(
            "Idempotency-Key", "invalid", _("Give 1 to 255 visible ASCII characters.")
        )
    return key


def run_idempotent(
    *,
    request: Request,
    scope: str,
    data: Any,
    handler: Callable[[], Response],
    replay_body: Callable[[Any], Any] | None = None,
) -> Response:
    """Run `handler` once per (user, scope, key); replay its stored response for repeats.

    Without a key, `handler` just runs. The same key with a different payload → ConflictError.
    Only successful (2xx) responses are stored; errors roll the key back so a retry can succeed.
    Another writer may share the scope and store a shorter answer (the bulk import keeps a case's
    id and reference): `replay_body` turns a stored body into the one this endpoint answers.
    """
    key = idempotency_key(request)
    if key is None:
        return handler()
    fingerprint = request_fingerprint(data)
    user = request.user  # the views that take a key require authentication
    assert user.is_authenticated
    with transaction.atomic():
        record_id = _claim(user_id=user.pk, scope=scope, key=key, fingerprint=fingerprint)
        if record_id is None:
            # Another request holds or held this key; the insert waited for it to finish.
            record = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            return _replay(record, fingerprint, replay_body)
        response = handler()
        if not status.is_success(response.status_code):
            transaction.set_rollback(True)
            return response
        _store(record_id, response)
    return response


def _claim(*, user_id: int, scope: str, key: str, fingerprint: str) -> int | None:
    """Insert the key's row; None when it exists (after waiting for its writer to finish)."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("user_id", "scope", "key", "request_hash", "created_at") VALUES (%s, %s, %s, %s, %s) '
            'ON CONFLICT DO NOTHING RETURNING "id"',
            [user_id, scope, key, fingerprint, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _store(record_id: int, response: Response) -> None:
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    body = json.dumps(response.data, cls=DjangoJSONEncoder, ensure_ascii=False)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "status_code" = %s, "response_body" = %s{cast} WHERE "id" = %s',
            [response.status_code, body, record_id],
        )


def _replay(record: IdempotencyRecord, fingerprint: str, replay_body: Callable[[Any], Any] | None) -> Response:
    if record.request_hash != fingerprint:
        raise ConflictError(
            _("This Idempotency-Key was used with a different request; use a new key."),
            code="idempotency_key_reused",
        )
    replay_status = (
        status.HTTP_200_OK if record.status_code == status.HTTP_201_CREATED else record.status_code
    )
    body = record.response_body if replay_body is None else replay_body(record.response_body)
    return Response(body, status=replay_status, headers={REPLAYED_HEADER: "true"})


def idempotency_records_prune(*, older_than: timedelta | None = None, batch_size: int = 5000) -> int:
    """Delete stored answers older than `older_than` (default `IDEMPOTENCY_KEY_TTL`, 24 h).

    In batches, so a large backlog never holds one long transaction. Returns how many went.
    A key used again after this is treated as new.
    """
    ttl: timedelta = older_than or getattr(settings, "IDEMPOTENCY_KEY_TTL", None) or DEFAULT_TTL
    cutoff = timezone.now() - ttl
    deleted = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
    logger.info("idempotency records pruned", extra={"deleted": deleted})
    return deleted
