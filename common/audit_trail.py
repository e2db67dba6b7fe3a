"""Append-only tables enforced by PostgreSQL: a row trigger refuses every UPDATE and DELETE.

The ORM already refuses them (`complaints.models.events.AppendOnlyModel`); the trigger also stops
raw SQL, a cascade, a script in a shell. The error is SQLSTATE 23001 (restrict_violation), which
Django raises as `IntegrityError` naming the table. TRUNCATE fires no row trigger, so the test
runner's flush still empties the tables. SQLite (`make run`) gets no trigger.

Migrations call `append_only(table, ...)`; the function is created idempotently by each of them,
so no app's migration depends on another's for it.
"""

from __future__ import annotations

from django.db import migrations

FUNCTION = "audit_append_only"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Rows of the audit trail are written once and never changed or deleted.';
END
$$
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def create_trigger_sql(table: str) -> str:
    return (
        f'CREATE TRIGGER "{trigger_name(table)}" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_trigger_sql(table: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"'


def append_only(*tables: str) -> migrations.RunPython:
    """A migration operation putting the append-only trigger on `tables` (PostgreSQL only)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(CREATE_FUNCTION, params=None)  # its % are RAISE placeholders
        for table in tables:
            schema_editor.execute(drop_trigger_sql(table))
            schema_editor.execute(create_trigger_sql(table))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(drop_trigger_sql(table))

    return migrations.RunPython(forwards, backwards, elidable=False)
