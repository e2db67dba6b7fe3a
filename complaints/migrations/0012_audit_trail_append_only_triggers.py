"""PostgreSQL refuses UPDATE and DELETE on the case audit trail: the timeline (which is also the
transition log), notes, communications and the personal-data access log (common.audit_trail)."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("complaints", "0011_deadline_at_risk_index")]

    operations = [
        append_only(
            "complaints_caseevent", "complaints_note", "complaints_communication", "complaints_piiaccesslog"
        ),
    ]
