"""Deadlines, escalation steps and the business calendar move to the timers app.

The rows are copied with their ids (timeline entries and webhook payloads name deadline ids):
a case deadline becomes a `timers.Deadline` on the content type of complaints.complaintcase.
Calendar rows already in the timers tables (its seed may have run first) give way to the
copied ones, which may carry admin edits. Then the complaints tables are dropped, and the old
beat entry of the sweep (renamed `timers-sweep`) is removed from the beat database.

The copy runs only while the old tables exist: the tests re-run data migrations after a flush,
when they are gone. Plain SQL, one statement at a time, for PostgreSQL and SQLite (`make run`):
SQLite needs a WHERE before an upsert's ON CONFLICT, and has no sequences to move.
"""

from django.db import migrations

COPY = """
INSERT INTO django_content_type (app_label, model) VALUES ('complaints', 'complaintcase')
    ON CONFLICT (app_label, model) DO NOTHING;

INSERT INTO timers_deadline (id, content_type_id, object_id, kind, state, started_at, due_at, warn_at,
                             next_check_at, breached, met_at, paused_at, escalation_level, created_at)
SELECT d.id, ct.id, d.case_id, d.kind, d.state, d.started_at, d.due_at, d.warn_at,
       d.next_check_at, d.breached, d.met_at, d.paused_at, d.escalation_level, d.created_at
FROM complaints_deadline d
CROSS JOIN (SELECT id FROM django_content_type WHERE app_label = 'complaints' AND model = 'complaintcase') ct;

INSERT INTO timers_escalationstep (id, deadline_id, level, fired_at)
SELECT id, deadline_id, level, fired_at FROM complaints_escalationstep;

INSERT INTO timers_calendarday (date, is_working_day, name)
SELECT date, is_working_day, name FROM complaints_calendarday WHERE 1 = 1
ON CONFLICT (date) DO UPDATE SET is_working_day = EXCLUDED.is_working_day, name = EXCLUDED.name;

INSERT INTO timers_calendaryear (year, source)
SELECT year, source FROM complaints_calendaryear WHERE 1 = 1
ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source;

DELETE FROM django_celery_beat_periodictask WHERE name = 'complaints-sweep-deadlines';
"""

# PostgreSQL only: new ids continue after the copied ones.
SEQUENCES = """
SELECT setval(pg_get_serial_sequence('timers_deadline', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM timers_deadline;
SELECT setval(pg_get_serial_sequence('timers_escalationstep', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM timers_escalationstep;
"""


def copy_rows(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if "complaints_deadline" not in connection.introspection.table_names():
        return
    script = COPY + (SEQUENCES if connection.vendor == "postgresql" else "")
    with connection.cursor() as cursor:
        for statement in script.split(";"):
            if statement.strip():
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_case_account_index_conduct_event"),
        ("timers", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        # Steps before the deadlines they point at (SQLite rebuilds tables rather than drop columns).
        migrations.DeleteModel(name="EscalationStep"),
        migrations.DeleteModel(name="Deadline"),
        migrations.DeleteModel(name="CalendarDay"),
        migrations.DeleteModel(name="CalendarYear"),
    ]
