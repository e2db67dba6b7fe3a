"""`Idempotency-Key` on create (docs/api-guide.md): one key of one client gives one result, even under races.

How concurrent duplicates collapse to one: the first request inserts the key's row and does its
work in the same transaction. A second request with the same key blocks on the unique index
until that transaction ends; after a commit it finds the finished row and replays it (200, same
body), after a rollback its own insert goes through and it does the work itself.
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
from django.db import IntegrityError, transaction
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


def run_idempotent(*, request: Request, scope: str, data: Any, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per (user, scope, key); replay its stored response for repeats.

    Without a key, `handler` just runs. The same key with a different payload → ConflictError.
    Only successful (2xx) responses are stored; errors roll the key back so a retry can succeed.
    """
    key = idempotency_key(request)
    if key is None:
        return handler()
    fingerprint = request_fingerprint(data)
    user = request.user  # the views that take a key require authentication
    assert user.is_authenticated
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, scope=scope, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            # Another request holds or held this key; the insert waited for it to finish.
            record = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            return _replay(record, fingerprint)
        response = handler()
        if not status.is_success(response.status_code):
            transaction.set_rollback(True)
            return response
        record.status_code = response.status_code
        record.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
        record.save(update_fields=["status_code", "response_body"])
    return response


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise ConflictError(
            _("This Idempotency-Key was used with a different request; use a new key."),
            code="idempotency_key_reused",
        )
    replay_status = (
        status.HTTP_200_OK if record.status_code == status.HTTP_201_CREATED else record.status_code
    )
    return Response(record.response_body, status=replay_status, headers={REPLAYED_HEADER: "true"})


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
