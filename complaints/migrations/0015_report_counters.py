"""Two summaries kept by statement triggers on the cases table, with transition tables so that
one trigger call covers a bulk INSERT … SELECT as well as a single create: cases received per
UTC hour and team (IntakeHourly) and open cases per team, state, category, severity and
assignee (OpenCaseCount). Each write appends signed counts; readers sum them; beat merges
them (complaints.reporting.summaries.counters_compact). PostgreSQL only: elsewhere the
dashboard counts the cases themselves. The existing cases are counted once here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# complaints.choices.OPEN_STATES when this was written; a migration must not follow later edits.
OPEN = "('intake', 'verify', 'communicate', 'resolve', 'feedback', 'follow_up')"
HOUR = "date_trunc('hour', {0}.received_at, 'UTC')"
OPEN_KEY = "{0}.team_id, {0}.state, {0}.category_id, {0}.severity, {0}.assignee_id"
INTAKE = "INSERT INTO complaints_intakehourly (hour, team_id, received) "
OPEN_COUNT = "INSERT INTO complaints_opencasecount (team_id, state, category_id, severity, assignee_id, n) "


def _function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION complaints_counters_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$")


def _moved(key: str, sign: str, side: str, where: str = "") -> str:
    """The rows of an UPDATE whose `key` changed, counted `sign`1 under the `side` (o/n) values."""
    return (f"SELECT {key.format(side)}, {sign}1 FROM old_rows o JOIN new_rows n USING (id) "
            f"WHERE ({key.format('o')}) IS DISTINCT FROM ({key.format('n')}) {where.format(side)}")


UPDATED = (
    f"{INTAKE} SELECT hour, team_id, sum(delta) FROM ("
    f"{_moved(HOUR + ', {0}.team_id', '-', 'o')} UNION ALL {_moved(HOUR + ', {0}.team_id', '+', 'n')}"
    ") AS moved (hour, team_id, delta) GROUP BY 1, 2 HAVING sum(delta) <> 0; "
    f"{OPEN_COUNT} SELECT team_id, state, category_id, severity, assignee_id, sum(delta) FROM ("
    f"{_moved(OPEN_KEY, '-', 'o', 'AND {0}.state IN ' + OPEN)} UNION ALL "
    f"{_moved(OPEN_KEY, '+', 'n', 'AND {0}.state IN ' + OPEN)}"
    ") AS moved (team_id, state, category_id, severity, assignee_id, delta) GROUP BY 1, 2, 3, 4, 5 "
    "HAVING sum(delta) <> 0;"
)
EVENTS = ("inserted", "deleted", "updated", "truncated")
# Idempotent: tests/reference_data.py re-runs every RunPython after a transactional test's flush.
CREATE = [
    *(f"DROP TRIGGER IF EXISTS complaints_counters_{event} ON complaints_complaintcase" for event in EVENTS),
    _function("inserted",
              f"{INTAKE} SELECT {HOUR.format('n')}, n.team_id, count(*) FROM new_rows n GROUP BY 1, 2; "
              f"{OPEN_COUNT} SELECT {OPEN_KEY.format('n')}, count(*) FROM new_rows n WHERE n.state IN {OPEN} "
              "GROUP BY 1, 2, 3, 4, 5;"),
    _function("deleted",
              f"{INTAKE} SELECT {HOUR.format('o')}, o.team_id, -count(*) FROM old_rows o GROUP BY 1, 2; "
              f"{OPEN_COUNT} SELECT {OPEN_KEY.format('o')}, -count(*) FROM old_rows o WHERE o.state IN {OPEN} "
              "GROUP BY 1, 2, 3, 4, 5;"),
    _function("updated", UPDATED),
    _function("truncated", "DELETE FROM complaints_intakehourly; DELETE FROM complaints_opencasecount;"),
    "CREATE TRIGGER complaints_counters_inserted AFTER INSERT ON complaints_complaintcase "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaints_counters_inserted()",
    "CREATE TRIGGER complaints_counters_deleted AFTER DELETE ON complaints_complaintcase "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION complaints_counters_deleted()",
    "CREATE TRIGGER complaints_counters_updated AFTER UPDATE ON complaints_complaintcase "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION complaints_counters_updated()",
    "CREATE TRIGGER complaints_counters_truncated AFTER TRUNCATE ON complaints_complaintcase "
    "FOR EACH STATEMENT EXECUTE FUNCTION complaints_counters_truncated()",
    "DELETE FROM complaints_intakehourly",
    "DELETE FROM complaints_opencasecount",
    f"{INTAKE} SELECT {HOUR.format('c')}, c.team_id, count(*) FROM complaints_complaintcase c GROUP BY 1, 2",
    f"{OPEN_COUNT} SELECT {OPEN_KEY.format('c')}, count(*) FROM complaints_complaintcase c "
    f"WHERE c.state IN {OPEN} GROUP BY 1, 2, 3, 4, 5",
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS complaints_counters_{event} ON complaints_complaintcase" for event in EVENTS),
    *(f"DROP FUNCTION IF EXISTS complaints_counters_{event}()" for event in EVENTS),
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('complaints', '0014_dashboard_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IntakeHourly',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hour', models.DateTimeField(verbose_name='hour')),
                ('received', models.IntegerField(verbose_name='cases received')),
                ('team', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.team')),
            ],
            options={
                'verbose_name': 'intake summary',
                'verbose_name_plural': 'intake summaries',
                'indexes': [models.Index(fields=['hour', 'team'], include=('received',), name='intake_hour_team')],
            },
        ),
        migrations.CreateModel(
            name='OpenCaseCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(max_length=20, verbose_name='state')),
                ('severity', models.CharField(max_length=10, verbose_name='severity')),
                ('n', models.IntegerField(verbose_name='open cases')),
                ('assignee', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('category', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.category')),
                ('team', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.team')),
            ],
            options={
                'verbose_name': 'open-case summary',
                'verbose_name_plural': 'open-case summaries',
                'indexes': [models.Index(fields=['team'], include=('state', 'category', 'severity', 'assignee', 'n'), name='opencount_team')],
            },
        ),
        migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False),
    ]
