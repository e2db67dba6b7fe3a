"""Cases received per UTC hour and team (complaints.models.IntakeHourly), kept by statement
triggers on the cases table with transition tables, so that one trigger call covers a bulk
INSERT … SELECT as well as a single create. PostgreSQL only: elsewhere the dashboard counts
the cases themselves. The existing cases are counted once here."""

import django.db.models.deletion
from django.db import migrations, models

HOUR = "date_trunc('hour', {0}.received_at, 'UTC')"
CHANGED = "(o.received_at, o.team_id) IS DISTINCT FROM (n.received_at, n.team_id)"
CREATE = [
    f"""CREATE FUNCTION complaints_intake_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO complaints_intakehourly (hour, team_id, received)
        SELECT {HOUR.format("n")}, n.team_id, count(*) FROM new_rows n GROUP BY 1, 2;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION complaints_intake_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO complaints_intakehourly (hour, team_id, received)
        SELECT {HOUR.format("o")}, o.team_id, -count(*) FROM old_rows o GROUP BY 1, 2;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION complaints_intake_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO complaints_intakehourly (hour, team_id, received)
        SELECT hour, team_id, sum(delta) FROM (
            SELECT {HOUR.format("o")} AS hour, o.team_id, -1 AS delta
            FROM old_rows o JOIN new_rows n USING (id) WHERE {CHANGED}
            UNION ALL
            SELECT {HOUR.format("n")}, n.team_id, 1
            FROM old_rows o JOIN new_rows n USING (id) WHERE {CHANGED}
        ) AS moved GROUP BY 1, 2 HAVING sum(delta) <> 0;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION complaints_intake_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM complaints_intakehourly;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER complaints_intake_inserted AFTER INSERT ON complaints_complaintcase "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaints_intake_inserted()",
    "CREATE TRIGGER complaints_intake_deleted AFTER DELETE ON complaints_complaintcase "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION complaints_intake_deleted()",
    "CREATE TRIGGER complaints_intake_updated AFTER UPDATE ON complaints_complaintcase "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION complaints_intake_updated()",
    "CREATE TRIGGER complaints_intake_truncated AFTER TRUNCATE ON complaints_complaintcase "
    "FOR EACH STATEMENT EXECUTE FUNCTION complaints_intake_truncated()",
    f"""INSERT INTO complaints_intakehourly (hour, team_id, received)
    SELECT {HOUR.format("c")}, c.team_id, count(*) FROM complaints_complaintcase c GROUP BY 1, 2""",
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS complaints_intake_{event} ON complaints_complaintcase"
      for event in ("inserted", "deleted", "updated", "truncated")),
    *(f"DROP FUNCTION IF EXISTS complaints_intake_{event}()" for event in ("inserted", "deleted", "updated", "truncated")),
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
        ('complaints', '0012_dashboard_indexes'),
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
        migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False),
    ]
