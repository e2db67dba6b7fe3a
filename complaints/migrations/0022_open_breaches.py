"""Open breaches (OpenBreach): the open cases with a breached deadline, kept by PostgreSQL
statement triggers on the cases table for any writer, so that the breach flag leaves the
predicates of the two breached-list indexes. With the flag in no case index, and a fifth of each
page left free (fillfactor 80: room for a ~900-byte case row's new version; it applies to new
pages, VACUUM FULL or pg_repack applies it to the existing ones), the sweep's update of the
escalation level and the flag is a HOT update that writes no index.
PostgreSQL only: elsewhere the dashboard filters the cases. The existing cases are read once here.
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

# The PostgreSQL-only runner of the report counters' migration.
_on_postgres = import_module("complaints.migrations.0015_report_counters")._on_postgres

# complaints.choices.OPEN_STATES when this was written; a migration must not follow later edits.
OPEN = "('intake', 'verify', 'communicate', 'resolve', 'feedback', 'follow_up')"
TABLE = "complaints_openbreach"
WANTED = "{0}.is_breached AND {0}.state IN " + OPEN
UPSERT = (
    f"INSERT INTO {TABLE} (case_id, team_id, received_at) "
    f"SELECT n.id, n.team_id, n.received_at FROM new_rows n WHERE {WANTED.format('n')} "
    "ON CONFLICT (case_id) DO UPDATE SET team_id = EXCLUDED.team_id, received_at = EXCLUDED.received_at "
    f"WHERE ({TABLE}.team_id, {TABLE}.received_at) IS DISTINCT FROM (EXCLUDED.team_id, EXCLUDED.received_at);"
)
UPDATED = (
    f"DELETE FROM {TABLE} b USING new_rows n WHERE b.case_id = n.id AND NOT ({WANTED.format('n')}); {UPSERT}"
)
EVENTS = ("inserted", "updated")


def _function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION complaints_open_breaches_{name}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {body} RETURN NULL; END $$")


def _trigger(name: str, event: str, transition: str) -> str:
    return (f"CREATE TRIGGER complaints_open_breaches_{name} AFTER {event} ON complaints_complaintcase "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION complaints_open_breaches_{name}()")


# Idempotent: tests/reference_data.py re-runs every RunPython after a transactional test's flush.
CREATE = [
    *(f"DROP TRIGGER IF EXISTS complaints_open_breaches_{event} ON complaints_complaintcase" for event in EVENTS),
    _function("inserted", UPSERT),
    _function("updated", UPDATED),
    # Statement triggers with transition tables: the sweep's one UPDATE of a batch, or a bulk
    # INSERT ... SELECT, is one statement here too (a column list is not allowed with them).
    _trigger("inserted", "INSERT", "NEW TABLE AS new_rows"),
    _trigger("updated", "UPDATE", "NEW TABLE AS new_rows"),
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE} (case_id, team_id, received_at) SELECT c.id, c.team_id, c.received_at "
    f"FROM complaints_complaintcase c WHERE {WANTED.format('c')}",
    "ALTER TABLE complaints_complaintcase SET (fillfactor = 80)",
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS complaints_open_breaches_{event} ON complaints_complaintcase" for event in EVENTS),
    *(f"DROP FUNCTION IF EXISTS complaints_open_breaches_{event}()" for event in EVENTS),
    "ALTER TABLE complaints_complaintcase RESET (fillfactor)",
]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_team_history'),
        ('complaints', '0021_stage_time_covering_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='OpenBreach',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='complaints.complaintcase')),
                ('received_at', models.DateTimeField(verbose_name='received at')),
            ],
            options={
                'verbose_name': 'open breached case',
                'verbose_name_plural': 'open breached cases',
            },
        ),
        migrations.RemoveIndex(
            model_name='complaintcase',
            name='case_breached_recv',
        ),
        migrations.RemoveIndex(
            model_name='complaintcase',
            name='case_open_breached_recv',
        ),
        migrations.AddField(
            model_name='openbreach',
            name='team',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.team'),
        ),
        migrations.AddIndex(
            model_name='openbreach',
            index=models.Index(fields=['team', '-received_at', '-case'], name='openbreach_team_recv'),
        ),
        migrations.AddIndex(
            model_name='openbreach',
            index=models.Index(fields=['-received_at', '-case'], name='openbreach_recv'),
        ),
        migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False),
    ]
