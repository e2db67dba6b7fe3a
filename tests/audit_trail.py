"""Rewriting append-only rows in test and benchmark set-up (back-dating a timeline, resetting a
benchmark round). The product never does this: PostgreSQL's triggers refuse it
(common.audit_trail)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def audit_trail_unlocked() -> Iterator[None]:
    """Skip ordinary triggers on this connection for the block (replica mode; a superuser only,
    as the test databases' owner is). Foreign keys are not checked inside it either."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
