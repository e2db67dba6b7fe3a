"""PostgreSQL refuses UPDATE and DELETE on the case audit trail: the timeline (which is also the
transition log), notes, communications, the personal-data access log and the attachment download log
(common.audit_trail)."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("complaints", "0015_report_counters")]

    operations = [
        append_only(
            "complaints_caseevent",
            "complaints_note",
            "complaints_communication",
            "complaints_piiaccesslog",
            "complaints_attachmentdownload",
        ),
    ]
