"""Many-row INSERT in one statement, for the hot paths that write thousands of rows at once
(the escalation sweep): PostgreSQL's unnest of one array per column, without building model
instances or Django's per-value preparation. Other databases fall back to bulk_create."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert `rows` (one value per name in `fields`, foreign keys by attname such as `case_id`)
    and return the new primary keys in row order.

    Values are plain Python values (ints, text, datetimes, booleans, None; dicts and lists for
    JSON fields). Fields left out take NULL, so name every NOT NULL column; no `pre_save` runs
    (pass auto_now_add values yourself).
    """
    if not rows:
        return []
    meta = model._meta
    # Concrete columns only (never reverse relations): the names are attnames of this table.
    model_fields: list[models.Field[Any, Any]] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip((f.attname for f in model_fields), row, strict=True))) for row in rows]
        return [obj.pk for obj in model._default_manager.bulk_create(objs, batch_size=500)]
    columns, casts, arrays = [], [], []
    for index, field in enumerate(model_fields):
        columns.append(connection.ops.quote_name(str(field.column)))
        values = [row[index] for row in rows]
        if field.get_internal_type() == "JSONField":
            values = [None if v is None else json.dumps(v, cls=DjangoJSONEncoder) for v in values]
        casts.append(f"%s::{field.db_type(connection)}[]")
        arrays.append(values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)}) "
            f"SELECT * FROM unnest({', '.join(casts)}) "
            f"RETURNING {connection.ops.quote_name(str(meta.pk.column))}",
            arrays,
        )
        return [pk for (pk,) in cursor.fetchall()]
