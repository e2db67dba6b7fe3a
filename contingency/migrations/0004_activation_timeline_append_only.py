"""The activation timeline is append-only: PostgreSQL refuses UPDATE and DELETE on it, and neither
its activation nor its actor may be deleted from under it (common.audit_trail)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.audit_trail import append_only


class Migration(migrations.Migration):

    dependencies = [
        ('contingency', '0003_drill_repeat_every'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='activationevent',
            name='activation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='contingency.activation'),
        ),
        migrations.AlterField(
            model_name='activationevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        append_only("contingency_activationevent"),
    ]
