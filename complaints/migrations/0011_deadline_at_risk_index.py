"""PostgreSQL only: the dashboard's at-risk list and count (running case deadlines past their
warning time, not yet due) as an index-only range scan instead of a scan of every pending deadline.

The rows live in the timers app's table; the index serves a complaints query, so it is created
here, as raw SQL that leaves the timers models' state alone.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS timers_deadline_pending_due_warn ON timers_deadline (due_at) "
    "INCLUDE (warn_at, content_type_id, object_id) WHERE state = 'pending' AND paused_at IS NULL"
)
DROP = "DROP INDEX IF EXISTS timers_deadline_pending_due_warn"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_report_summaries"), ("timers", "0001_initial")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False)]
