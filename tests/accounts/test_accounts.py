"""Accounts: the custom user model, teams, and roles as groups from a data migration."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.migrations.loader import MigrationLoader

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_model_is_the_custom_one():
    assert get_user_model() is User


def test_custom_user_is_created_by_the_first_accounts_migration():
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration("accounts", "0001_initial")

    assert "user" in {op.name.lower() for op in migration.operations if hasattr(op, "fields")}


def test_data_migration_creates_every_role_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "agent", "supervisor", "emergency_lead", "emergency_member", "auditor", "api_client",
    }


def test_role_choices_match_the_groups():
    assert set(Role.values) == set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True))


def test_has_role_is_true_for_the_users_group(agent):
    assert agent.has_role(Role.AGENT)


def test_has_role_is_false_for_another_group(agent):
    assert not agent.has_role(Role.SUPERVISOR, Role.AUDITOR)


def test_inactive_user_has_no_role(agent):
    agent.is_active = False

    assert not agent.has_role(Role.AGENT)


def test_supervisor_belongs_to_both_teams(supervisor, team_a, team_b):
    assert sorted(supervisor.team_ids) == sorted([team_a.pk, team_b.pk])


def test_user_text_is_the_display_name():
    assert str(UserFactory(username="zhang", display_name="张专员")) == "张专员"


def test_user_text_falls_back_to_the_username():
    assert str(UserFactory(username="wang", display_name="")) == "wang"
