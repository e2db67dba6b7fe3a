"""Probes for load balancers and orchestrators (docs/api-guide.md "Basics").

`/healthz` answers while the process serves requests; `/readyz` also checks the database and
the Celery broker and answers 503 naming what is down. Neither needs a login, and neither
reveals hosts, credentials or error text: only which check failed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2.0


def check_database() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("readiness: database unreachable", exc_info=True)
        return False
    return True


def check_broker() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as connection:
            # No retries: a probe must answer fast; the orchestrator asks again.
            connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)  # type: ignore[arg-type]
    except Exception:
        logger.warning("readiness: broker unreachable", exc_info=True)
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "unavailable" if failing else "ok",
        "checks": {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        "failing": failing,
    }
    return JsonResponse(body, status=503 if failing else 200)
