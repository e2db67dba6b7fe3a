"""PostgreSQL refuses UPDATE and DELETE on the history of teams and users (common.audit_trail): a
change is a new row, never a rewrite of an old one."""

from django.db import migrations

from common.audit_trail import append_only


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_team_history")]

    operations = [
        append_only(
            "accounts_historicaluser_teams",
            "accounts_historicaluser_groups",
            "accounts_historicaluser_user_permissions",
            history=("accounts_historicalteam", "accounts_historicaluser"),
        ),
    ]
