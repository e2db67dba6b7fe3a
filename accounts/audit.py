"""The auditors' feed of configuration changes, made from django-simple-history's rows.

Each historical row (common.history.ConfigHistory) becomes one `ConfigChange` in the same
transaction: who, when, which object, and for each changed field its value before and after
(related rows by name, role groups by name). Secrets never reach it: the history leaves them out,
and any field whose name says secret, password or token is masked as well.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from simple_history.models import DeletedObject

from accounts.models import ConfigChange

MASK = "******"
SECRET_MARKERS = ("secret", "password", "token")
ACTIONS = {"+": ConfigChange.Action.CREATED, "~": ConfigChange.Action.CHANGED, "-": ConfigChange.Action.DELETED}


def _jsonable(value: Any) -> Any:
    if isinstance(value, DeletedObject) and value.pk is None:
        return None  # simple-history's answer for an empty foreign key
    if isinstance(value, models.Model | DeletedObject):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _is_secret(field: str) -> bool:
    return any(marker in field for marker in SECRET_MARKERS)


def _m2m_names(model: type[models.Model], field: str, rows: list[dict]) -> list[str]:
    target = model._meta.get_field(field).m2m_reverse_field_name()  # type: ignore[union-attr]
    return sorted(str(row[target]) for row in rows)


def _value(record: Any, field: models.Field) -> Any:
    if field.is_relation:
        try:
            return getattr(record, field.name)
        except ObjectDoesNotExist:
            return getattr(record, field.attname)
    return getattr(record, field.attname)


def _snapshot(record: Any) -> dict[str, Any]:
    """Every tracked field of one historical row (a creation's "after", a deletion's "before")."""
    values = {f.name: _value(record, f) for f in record.tracked_fields if f.editable}
    for field in record._history_m2m_fields:
        through_rows = getattr(record, field.name).select_related(field.m2m_reverse_field_name())
        values[field.name] = sorted(str(getattr(row, field.m2m_reverse_field_name())) for row in through_rows)
    return {name: value for name, value in values.items() if value not in (None, "", [], {})}


def _changes(record: Any) -> list[dict[str, Any]]:
    model = record.instance_type
    m2m = {f.name for f in record._history_m2m_fields}
    pairs: list[tuple[str, Any, Any]]
    if record.history_type == "+":
        pairs = [(name, None, value) for name, value in sorted(_snapshot(record).items())]
    elif record.history_type == "-":
        pairs = [(name, value, None) for name, value in sorted(_snapshot(record).items())]
    else:
        previous = record.prev_record
        if previous is None:
            pairs = [(name, None, value) for name, value in sorted(_snapshot(record).items())]
        else:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            pairs = [
                (c.field, _m2m_names(model, c.field, c.old), _m2m_names(model, c.field, c.new))
                if c.field in m2m else (c.field, c.old, c.new)
                for c in delta.changes
            ]
    return [
        {"field": name, "before": MASK if _is_secret(name) else _jsonable(before),
         "after": MASK if _is_secret(name) else _jsonable(after)}
        for name, before, after in pairs
    ]


def config_change_record(*, history_instance: Any, **_kwargs: Any) -> ConfigChange | None:
    """Receiver of simple-history's `post_create_historical_record`: add the row to the feed.

    A save that changed no tracked field (a password change, a save without edits) adds nothing.
    """
    changes = _changes(history_instance)
    if not changes:
        return None
    model = history_instance.instance_type
    return ConfigChange.objects.create(
        at=history_instance.history_date,
        actor_id=history_instance.history_user_id,
        model=model._meta.label_lower,
        object_id=str(getattr(history_instance, model._meta.pk.attname)),
        object_repr=str(history_instance.instance)[:200],
        action=ACTIONS[history_instance.history_type],
        changes=changes,
    )
