"""PostgreSQL refuses UPDATE and DELETE on the history of categories and SLA policies
(common.audit_trail): a change is a new row, never a rewrite of an old one."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("complaints", "0024_import_keys_in_create_scope")]

    operations = [
        append_only(history=("complaints_historicalcategory", "complaints_historicalslapolicy")),
    ]
