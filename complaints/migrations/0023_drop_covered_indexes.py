"""Drop the indexes that a composite index of the same table begins with (tests/test_indexes.py):
the foreign keys' own indexes of cases, events, SLA policies and stage-time summaries, and on
PostgreSQL Django's `_like` index of the case reference, which case_reference_prefix (0018, the
same operator class with the received time included) serves as well. Every case write kept
five indexes up to date for nothing. The foreign key constraints stay.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "complaints_complaintcase"


def _like_index(schema_editor) -> str:
    return schema_editor._create_index_name(TABLE, ["reference"], suffix="_like")


# Idempotent: tests/reference_data.py re-runs every RunPython after a transactional test's flush.
def drop_reference_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_like_index(schema_editor))}")


def create_reference_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        name = schema_editor.quote_name(_like_index(schema_editor))
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} (reference varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_team_history'),
        ('complaints', '0022_open_breaches'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseevent',
            name='case',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='complaints.complaintcase'),
        ),
        migrations.AlterField(
            model_name='complaintcase',
            name='assignee',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_cases', to=settings.AUTH_USER_MODEL, verbose_name='assignee'),
        ),
        migrations.AlterField(
            model_name='complaintcase',
            name='category',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='complaints.category', verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='complaintcase',
            name='created_by',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_cases', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='complaintcase',
            name='team',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='accounts.team', verbose_name='team'),
        ),
        migrations.AlterField(
            model_name='slapolicy',
            name='category',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='sla_policies', to='complaints.category'),
        ),
        migrations.AlterField(
            model_name='stagetimedaily',
            name='team',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.team'),
        ),
        migrations.RunPython(drop_reference_like, create_reference_like, elidable=False),
    ]
