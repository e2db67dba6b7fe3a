"""No index of ours that another makes redundant: each one costs every INSERT and non-HOT UPDATE
of its table, and the case table is written on every create, transition and sweep.

An index is redundant when another index of the same table starts with the same columns in the
same order, with the same operator classes and collations, and holds its INCLUDE columns too:
PostgreSQL answers every query of the shorter one from the longer one. Unique indexes keep their
constraint and partial indexes their own predicate, so neither is ever reported.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from tests.reference_data import PROJECT_APPS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue"),
]

# Every index of the given tables, with its key columns, operator classes, collations and INCLUDE
# columns; expression indexes are left out (their columns are not comparable).
INDEXES = """
SELECT t.relname, i.relname, x.indisunique, x.indpred IS NOT NULL,
       x.indnkeyatts, x.indkey::int2[], x.indclass::oid[], x.indcollation::oid[]
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = ANY(%s) AND x.indexprs IS NULL
ORDER BY t.relname, i.relname
"""


def _our_tables() -> list[str]:
    tables = set()
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def _redundant(tables: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES, [tables])
        rows = cursor.fetchall()
    by_table: dict[str, list[tuple]] = {}
    for table, name, unique, partial, nkey, columns, classes, collations in rows:
        keys = list(zip(columns[:nkey], classes[:nkey], collations[:nkey], strict=True))
        by_table.setdefault(table, []).append((name, unique, partial, keys, set(columns[nkey:])))
    found = []
    for table, indexes in by_table.items():
        for name, unique, partial, keys, include in indexes:
            if unique or partial:
                continue
            for other, _unique, other_partial, other_keys, other_include in indexes:
                if other == name or other_partial or len(other_keys) < len(keys):
                    continue
                if other_keys[: len(keys)] == keys and include <= {c for c, _o, _l in other_keys} | other_include:
                    found.append(f"{table}.{name} (covered by {other})")
                    break
    return sorted(found)


def test_no_index_of_ours_is_covered_by_another():
    assert _redundant(_our_tables()) == []


def test_an_index_that_another_begins_with_is_reported():
    # Without this the first test would pass on a scan that finds nothing at all.
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX case_team_alone ON complaints_complaintcase (team_id)")

    assert _redundant(["complaints_complaintcase"]) == [
        "complaints_complaintcase.case_team_alone (covered by case_team_state_recv)"
    ]
