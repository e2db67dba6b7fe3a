"""PostgreSQL only: reference-prefix search (`q=TS202603`) as an index range, with each match's
received time in the index so that `case_filter_reference_prefix` bounds the list by an index-only
scan. Django's own `_like` index on the unique reference has the operator class but not the column.
"""

from importlib import import_module

from django.db import migrations

# The PostgreSQL-only runner of the previous index migration.
_on_postgres = import_module("complaints.migrations.0011_deadline_at_risk_index")._on_postgres

CREATE = (
    "CREATE INDEX IF NOT EXISTS case_reference_prefix ON complaints_complaintcase "
    "(reference varchar_pattern_ops) INCLUDE (received_at)"
)
DROP = "DROP INDEX IF EXISTS case_reference_prefix"


class Migration(migrations.Migration):
    dependencies = [("complaints", "0017_sla_policy_history")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False)]
