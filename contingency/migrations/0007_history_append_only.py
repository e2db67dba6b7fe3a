"""PostgreSQL refuses UPDATE and DELETE on the history of playbooks, their versions and the
emergency group (common.audit_trail): a change is a new row, never a rewrite of an old one."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("contingency", "0006_drop_covered_indexes")]

    operations = [
        append_only(
            history=(
                "contingency_historicalgroupmember",
                "contingency_historicalplaybook",
                "contingency_historicalplaybookversion",
            ),
        ),
    ]
