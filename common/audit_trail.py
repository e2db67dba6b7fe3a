"""Append-only tables enforced by PostgreSQL: a row trigger refuses every UPDATE and DELETE.

The ORM already refuses them (`complaints.models.events.AppendOnlyModel`); the trigger also stops
raw SQL, a cascade, a script in a shell. The error is SQLSTATE 23001 (restrict_violation), which
Django raises as `IntegrityError` naming the table. TRUNCATE fires no row trigger, so the test
runner's flush still empties the tables. SQLite (`make run`) gets no trigger.

Migrations call `append_only(table, ...)`; the function is created idempotently by each of them,
so no app's migration depends on another's for it.

Configuration history (django-simple-history's tables) gets `history_append_only`: the same
refusal, with one UPDATE let through, the one deleting a user makes (its changes' rows keep
everything but `history_user_id`, which becomes NULL: the foreign key's ON DELETE SET NULL). The
auditors' feed (`accounts.ConfigChange`) names the actor and protects the user from deletion;
history rows of a user's own password changes would otherwise stop the deletion of that user.
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


HISTORY_FUNCTION = "history_append_only"

CREATE_HISTORY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {HISTORY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.history_user_id IS NULL
       AND to_jsonb(NEW) - 'history_user_id' = to_jsonb(OLD) - 'history_user_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'configuration history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Historical rows are written once; only the deletion of their user may clear it.';
END
$$
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def create_trigger_sql(table: str, function: str = FUNCTION) -> str:
    return (
        f'CREATE TRIGGER "{trigger_name(table)}" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {function}()"
    )


def drop_trigger_sql(table: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"'


def append_only(*tables: str, history: tuple[str, ...] = ()) -> migrations.RunPython:
    """A migration operation putting the append-only trigger on `tables`, and its history variant
    on the simple-history tables `history` (PostgreSQL only). A history table's m2m tables have no
    user column: they go in `tables`."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # Their % are RAISE placeholders.
        schema_editor.execute(CREATE_FUNCTION, params=None)
        if history:
            schema_editor.execute(CREATE_HISTORY_FUNCTION, params=None)
        for table, function in [*((t, FUNCTION) for t in tables), *((t, HISTORY_FUNCTION) for t in history)]:
            schema_editor.execute(drop_trigger_sql(table))
            schema_editor.execute(create_trigger_sql(table, function))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in [*tables, *history]:
            schema_editor.execute(drop_trigger_sql(table))

    return migrations.RunPython(forwards, backwards, elidable=False)
