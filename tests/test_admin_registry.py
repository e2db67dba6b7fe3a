from django.apps import apps
from django.contrib import admin

PROJECT_APPS = (
    "accounts", "common", "complaints", "conduct", "contingency", "notifications", "timers", "webhooks",
)


def _reachable_models() -> set:
    reachable = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        reachable |= {inline.model for inline in model_admin.inlines}
    return reachable


def test_every_project_model_is_reachable_in_the_admin():
    models = {m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()}

    assert sorted(m.__name__ for m in models - _reachable_models()) == []
