"""Helpers for migrations that write raw SQL for PostgreSQL only (SQLite serves `make run`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations


def run_on_postgresql(forward: str, backward: str) -> migrations.RunPython:
    """A RunPython operation executing `forward` (and `backward` on unapply) on PostgreSQL only."""

    def _execute(sql: str) -> Callable[[Any, Any], None]:
        def run(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return run

    return migrations.RunPython(_execute(forward), _execute(backward), elidable=False)
