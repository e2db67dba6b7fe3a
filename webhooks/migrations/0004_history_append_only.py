"""PostgreSQL refuses UPDATE and DELETE on the history of webhook subscriptions
(common.audit_trail): a change is a new row, never a rewrite of an old one."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0003_drop_covered_indexes")]

    operations = [
        append_only(history=("webhooks_historicalsubscription",)),
    ]
