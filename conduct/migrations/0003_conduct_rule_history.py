"""Configuration history (common.history): the historical table, and a first record for every
existing row so that its first change has a "before"."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from common.history import history_baseline


class Migration(migrations.Migration):

    dependencies = [
        ('conduct', '0002_seed_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalConductRule',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.SlugField(verbose_name='code')),
                ('name_zh', models.CharField(max_length=200, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('kind', models.CharField(choices=[('quiet_hours', 'No calls or visits in quiet hours'), ('daily_unanswered_attempts', 'Unanswered call attempts per day'), ('unrelated_third_party', 'No contact with unrelated parties'), ('visit_collectors', 'Collectors present at a visit'), ('attempts_in_days', 'Call attempts in a rolling period')], max_length=30, verbose_name='kind')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='sort order')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical conduct rule',
                'verbose_name_plural': 'historical conduct rules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        history_baseline("conduct", "ConductRule"),
    ]
