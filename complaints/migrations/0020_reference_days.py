"""Reference days (ReferenceDay): the receipt-time range of the cases created on each local day,
kept by PostgreSQL triggers on the cases table for any writer (services, bulk SQL, the admin),
so that a reference-prefix search reads a few hundred rows for its bounds. PostgreSQL only:
elsewhere the search bounds itself from the references. The existing cases are read once here.
"""

from importlib import import_module

from django.db import migrations, models

# The PostgreSQL-only runner of the report counters' migration.
_on_postgres = import_module("complaints.migrations.0015_report_counters")._on_postgres

# References are `TS`, the local creation date and the id; the date is characters 3 to 10.
DATED = "{0}.reference ~ '^TS[0-9]{{8}}'"
DAY = "substr({0}.reference, 3, 8)"
TABLE = "complaints_referenceday"
# Not yet covered by the day's rows: only then is a row appended (a day's width padded, so the
# rest of a day's creates, each received a little later, write nothing).
UNCOVERED = (
    "NOT COALESCE((SELECT min(d.first_received) <= {first} AND max(d.last_received) >= {last} "
    f"FROM {TABLE} d WHERE d.day = {{day}}), false)"
)
INSERTED = (
    f"INSERT INTO {TABLE} (day, first_received, last_received) "
    "SELECT s.day, s.first, s.last + interval '1 day' FROM ("
    f"SELECT {DAY.format('n')} AS day, min(n.received_at) AS first, max(n.received_at) AS last "
    f"FROM new_rows n WHERE {DATED.format('n')} GROUP BY 1) s "
    f"WHERE {UNCOVERED.format(first='s.first', last='s.last', day='s.day')};"
)
UPDATED = (
    f"IF {DATED.format('NEW')} AND "
    f"{UNCOVERED.format(first='NEW.received_at', last='NEW.received_at', day=DAY.format('NEW'))} THEN "
    f"INSERT INTO {TABLE} (day, first_received, last_received) "
    f"VALUES ({DAY.format('NEW')}, NEW.received_at, NEW.received_at + interval '1 day'); END IF;"
)


def _function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION complaints_reference_days_{name}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {body} RETURN NULL; END $$")


# Idempotent: tests/reference_data.py re-runs every RunPython after a transactional test's flush.
CREATE = [
    "DROP TRIGGER IF EXISTS complaints_reference_days_inserted ON complaints_complaintcase",
    "DROP TRIGGER IF EXISTS complaints_reference_days_updated ON complaints_complaintcase",
    _function("inserted", INSERTED),
    _function("updated", UPDATED),
    # A statement trigger, so that a bulk INSERT ... SELECT is one aggregate.
    "CREATE TRIGGER complaints_reference_days_inserted AFTER INSERT ON complaints_complaintcase "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaints_reference_days_inserted()",
    # A row trigger, because only it can be limited to the two columns (the reference is updated
    # after the insert when midnight passed in between); other updates never call it.
    "CREATE TRIGGER complaints_reference_days_updated AFTER UPDATE OF reference, received_at "
    "ON complaints_complaintcase FOR EACH ROW WHEN (OLD.reference IS DISTINCT FROM NEW.reference "
    "OR OLD.received_at IS DISTINCT FROM NEW.received_at) EXECUTE FUNCTION complaints_reference_days_updated()",
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE} (day, first_received, last_received) "
    f"SELECT {DAY.format('c')}, min(c.received_at), max(c.received_at) FROM complaints_complaintcase c "
    f"WHERE {DATED.format('c')} GROUP BY 1",
]
DROP = [
    "DROP TRIGGER IF EXISTS complaints_reference_days_inserted ON complaints_complaintcase",
    "DROP TRIGGER IF EXISTS complaints_reference_days_updated ON complaints_complaintcase",
    "DROP FUNCTION IF EXISTS complaints_reference_days_inserted()",
    "DROP FUNCTION IF EXISTS complaints_reference_days_updated()",
]


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0019_category_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReferenceDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.CharField(max_length=8, verbose_name='day')),
                ('first_received', models.DateTimeField(verbose_name='earliest receipt')),
                ('last_received', models.DateTimeField(verbose_name='latest receipt')),
            ],
            options={
                'verbose_name': 'reference day',
                'verbose_name_plural': 'reference days',
                'indexes': [models.Index(fields=['day'], include=('first_received', 'last_received'), name='reference_day')],
            },
        ),
        migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False),
    ]
