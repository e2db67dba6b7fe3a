"""Reads of the accounts app: the auditors' feed of configuration changes."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from accounts.models import ConfigChange, User
from accounts.roles import Role


def audited_models() -> dict[str, str]:
    """`app_label.modelname` → verbose name of every model whose changes are kept."""
    return {
        m._meta.label_lower: str(m._meta.verbose_name)
        for m in apps.get_models()
        if hasattr(m._meta, "simple_history_manager_attribute")
    }


def can_read_config_history(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.AUDITOR))


def config_change_list_for(*, actor: User, model: str = "", object_id: str = "") -> QuerySet[ConfigChange]:
    """Configuration changes, newest first; none for anyone but auditors and administrators."""
    if not can_read_config_history(actor):
        return ConfigChange.objects.none()
    changes = ConfigChange.objects.select_related("actor")
    if model:
        changes = changes.filter(model=model)
    if object_id:
        changes = changes.filter(object_id=object_id)
    return changes
