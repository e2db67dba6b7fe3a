from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimersConfig(AppConfig):
    name = "timers"
    verbose_name = _("Timers")

    def ready(self) -> None:
        # Calendar cache busting on admin edits, and the sweep task for the worker.
        from timers import calendar, tasks  # noqa: F401
