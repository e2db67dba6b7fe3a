"""Publishing Celery tasks from services."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Publish `task` after the transaction commits; a broker error is logged, never raised.

    The rows written in the transaction are the record; sweeps and catch-up tasks find them
    again, so a lost message delays work instead of losing it or failing the request.
    """

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:
            logger.exception("could not enqueue task; it will be caught up", extra={"task": task.name})

    transaction.on_commit(publish)
