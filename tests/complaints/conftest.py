"""Fixtures for the complaints suite."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from complaints.models import CaseEvent, ComplaintCase, Note, PiiAccessLog, ResolutionAction

PROJECT_APPS = ("accounts", "common", "complaints", "contingency", "notifications", "webhooks")


def restore_migration_data() -> bool:
    """Re-run the project's data migrations when a transactional test's flush emptied the tables
    (roles, categories, calendar, SLA policies). Returns whether anything was restored."""
    if Group.objects.exists():
        return False
    loader = MigrationLoader(connection)
    with connection.schema_editor() as editor:
        for key in _plan(loader):
            app_label, _ = key
            migration = loader.graph.nodes[key]
            if app_label not in PROJECT_APPS or not any(isinstance(op, RunPython) for op in migration.operations):
                continue
            state = loader.project_state(key, at_end=False)
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.database_forwards(app_label, editor, state, state)
                else:
                    operation.state_forwards(app_label, state)
    return True


def _plan(loader: MigrationLoader) -> list[tuple[str, str]]:
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.extend(key for key in loader.graph.forwards_plan(leaf) if key not in plan)
    return plan


@pytest.fixture(scope="session", autouse=True)
def _migration_data(django_db_setup, django_db_blocker):
    """With --reuse-db, leave the database as migrations made it: a transactional test's flush
    at the end of the previous session would otherwise empty the reference tables."""
    with django_db_blocker.unblock():
        restore_migration_data()
    yield
    with django_db_blocker.unblock():
        restore_migration_data()


@pytest.fixture
def migration_data(transactional_db):
    """For transactional tests: the reference rows a previous test's flush removed."""
    restore_migration_data()


@pytest.fixture
def row_counts():
    """A callable giving the row counts a write may touch, to prove nothing was half-written."""

    def counts() -> dict[str, int]:
        return {
            "cases": ComplaintCase.objects.count(),
            "events": CaseEvent.objects.count(),
            "actions": ResolutionAction.objects.count(),
            "notes": Note.objects.count(),
            "pii_log": PiiAccessLog.objects.count(),
        }

    return counts
