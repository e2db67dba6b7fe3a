"""PostgreSQL refuses UPDATE and DELETE on the history of conduct rules (common.audit_trail): a
change is a new row, never a rewrite of an old one."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("conduct", "0004_drop_covered_indexes")]

    operations = [
        append_only(history=("conduct_historicalconductrule",)),
    ]
