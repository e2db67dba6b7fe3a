"""PostgreSQL only: the dashboard's at-risk list and count (running deadlines past their warning
time, not yet due) as an index-only range scan instead of a scan of every pending deadline.

Raw SQL rather than Meta.indexes so that it does not tie the deadline model's state to this app
(the deadline rows are meant to move to a timers app; the index follows the table).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS deadline_pending_due_warn ON complaints_deadline (due_at) "
    "INCLUDE (warn_at, case_id) WHERE state = 'pending' AND paused_at IS NULL"
)
DROP = "DROP INDEX IF EXISTS deadline_pending_due_warn"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("complaints", "0009_report_summaries")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False)]
