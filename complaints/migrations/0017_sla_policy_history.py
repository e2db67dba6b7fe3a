"""Configuration history (common.history): the historical table, and a first record for every
existing row so that its first change has a "before"."""

import datetime
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from common.history import history_baseline


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0016_audit_trail_append_only_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalSlaPolicy',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('severity', models.CharField(choices=[('low', 'Low'), ('normal', 'Normal'), ('high', 'High'), ('critical', 'Critical')], max_length=10, verbose_name='severity')),
                ('acknowledge_within', models.DurationField(default=datetime.timedelta(days=1), verbose_name='acknowledge within')),
                ('verify_within', models.DurationField(default=datetime.timedelta(days=5), verbose_name='verify within')),
                ('final_answer_within', models.DurationField(default=datetime.timedelta(days=15), verbose_name='final answer within')),
                ('follow_up_within', models.DurationField(default=datetime.timedelta(days=7), verbose_name='follow-up within')),
                ('calendar', models.CharField(choices=[('calendar', 'Calendar days'), ('working_days', 'Working days')], default='calendar', max_length=20, verbose_name='calendar')),
                ('warn_ratio', models.FloatField(default=0.75, verbose_name='warn ratio')),
                ('emergency_after', models.DurationField(default=datetime.timedelta(days=1), verbose_name='escalate to emergency group after breach')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='complaints.category')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical SLA policy',
                'verbose_name_plural': 'historical SLA policies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        history_baseline("complaints", "SlaPolicy"),
    ]
