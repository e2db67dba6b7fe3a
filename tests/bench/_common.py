"""Helpers shared by the benchmark scripts: a database of their own, a time limit, bulk SQL loading."""

from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlsplit, urlunsplit


def bench_database_url(suffix: str) -> str:
    """DATABASE_URL with `_<suffix>` appended to the database name (the original is never used)."""
    source = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/complaints")
    parts = urlsplit(source)
    if not parts.scheme.startswith("postgres"):
        sys.exit("the benchmarks need PostgreSQL in DATABASE_URL")
    name = parts.path.lstrip("/") + "_" + suffix
    return urlunsplit(parts._replace(path="/" + name))


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class Clock:
    def __init__(self, limit: float) -> None:
        self.started = time.monotonic()
        self.limit = limit

    def left(self) -> float:
        return self.limit - (time.monotonic() - self.started)

    def check(self, phase: str) -> None:
        if time.monotonic() - self.started > self.limit:
            sys.exit(f"time limit reached before {phase}")


def insert_cases_sql(count: int, overrides: dict[str, str], params_by_column: dict, *, source: str = "") -> None:
    """INSERT … SELECT `count` cases from generate_series (row number `g`) in one statement.

    `overrides` maps a column to an SQL expression over `g` (and over `source`'s columns, if
    given: a FROM clause replacing the bare generate_series); `params_by_column` gives values
    already in column form (ids, ciphertext); every other column gets the field's default.
    Generated columns are left to the database.
    """
    from django.db import connection

    from complaints.models import ComplaintCase

    columns, expressions, params = [], [], []
    for field in ComplaintCase._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue
        if field.primary_key and field.column not in overrides:
            continue
        columns.append(f'"{field.column}"')
        if field.column in overrides:
            expressions.append(overrides[field.column])
        else:
            expressions.append("%s")
            if field.column in params_by_column:
                params.append(params_by_column[field.column])
            else:
                params.append(field.get_db_prep_save(field.get_default(), connection))
    source = source or "generate_series(1, %s) AS g"
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {ComplaintCase._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM {source}",
            [*params, count],
        )
