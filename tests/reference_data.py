"""Reference rows made by data migrations (roles, categories, calendar, SLA policies).

A transactional test (live server, real worker, two connections) ends with a flush that empties
every table; the root conftest calls `restore_migration_data` after such tests.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

PROJECT_APPS = (
    "accounts", "common", "complaints", "conduct", "contingency", "notifications", "timers", "webhooks",
)


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
