"""History of configuration rows (django-simple-history): who changed what, when, before and after.

Every save of a tracked row writes a historical row (in the save's transaction); the request's
user comes from `simple_history.middleware.HistoryRequestMiddleware`, and is empty for commands
and tasks. `accounts.audit` turns each historical row into the auditors' feed of changes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from simple_history.models import HistoricalRecords

POST_ACTIONS = ("post_add", "post_remove")


class ConfigHistory(HistoricalRecords):
    """`HistoricalRecords` that skips saves of untracked fields only and follows reverse m2m edits.

    `user.save(update_fields=["last_login"])` at every login would otherwise write a row with no
    change; `group.user_set.add(user)` would otherwise try to give the group a history.
    """

    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any) -> None:
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        if action in POST_ACTIONS and pk_set:
            for owner in self.cls._default_manager.filter(pk__in=pk_set):
                super().m2m_changed(owner, action, attr, pk_set, False, **kwargs)


def history_baseline(app_label: str, model_name: str, *, m2m: tuple[str, ...] = ()) -> Any:
    """A migration operation giving every existing row without history a first ("+") record.

    Rows seeded by data migrations (or made before the history existed) then have a "before" for
    their first change. Bulk-created: no row of the auditors' feed (a baseline is no change).
    """
    from django.db import migrations
    from django.utils import timezone

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(app_label, f"Historical{model_name}")
        copied = [f.attname for f in model._meta.concrete_fields if not f.primary_key and _tracked(history, f)]
        known = history.objects.values("id")
        now = timezone.now()
        records = history.objects.bulk_create(
            [
                history(
                    id=obj.pk, history_date=now, history_type="+", history_change_reason="baseline",
                    **{name: getattr(obj, name) for name in copied},
                )
                for obj in model.objects.exclude(pk__in=known).iterator()
            ],
            batch_size=500,
        )
        by_owner = {record.id: record for record in records}
        for field_name in m2m:
            through = model._meta.get_field(field_name).remote_field.through
            owner_field = model._meta.get_field(field_name).m2m_field_name()
            m2m_history = apps.get_model(app_label, f"Historical{model_name}_{field_name}")
            columns = [f.attname for f in through._meta.concrete_fields]
            m2m_history.objects.bulk_create(
                [
                    m2m_history(history=by_owner[getattr(row, f"{owner_field}_id")], **{c: getattr(row, c) for c in columns})
                    for row in through.objects.filter(**{f"{owner_field}_id__in": list(by_owner)}).iterator()
                ],
                batch_size=500,
            )

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


def _tracked(history: Any, field: Any) -> bool:
    try:
        history._meta.get_field(field.name)
    except FieldDoesNotExist:  # excluded from the history (a secret, the password hash)
        return False
    return True
