"""PostgreSQL refuses UPDATE and DELETE on the history of the business calendar
(common.audit_trail): a change is a new row, never a rewrite of an old one."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("timers", "0004_drop_covered_indexes")]

    operations = [
        append_only(history=("timers_historicalcalendarday", "timers_historicalcalendaryear")),
    ]
