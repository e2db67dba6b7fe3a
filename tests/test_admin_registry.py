from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from simple_history.admin import SimpleHistoryAdmin

PROJECT_APPS = (
    "accounts", "common", "complaints", "conduct", "contingency", "notifications", "timers", "webhooks",
)


def _history_models(model_admins) -> set:
    """A history admin shows its model's history, the history of its m2m fields included."""
    histories = {m.model.history.model for m in model_admins if isinstance(m, SimpleHistoryAdmin)}
    return histories | {m for m in apps.get_models() if _history_of(m) in histories}


def _history_of(model):
    try:
        return model._meta.get_field("history").related_model
    except FieldDoesNotExist:
        return None


def _reachable_models() -> set:
    reachable = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        reachable |= {inline.model for inline in model_admin.inlines}
    return reachable | _history_models(admin.site._registry.values())


def test_every_project_model_is_reachable_in_the_admin():
    models = {m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()}

    assert sorted(m.__name__ for m in models - _reachable_models()) == []
