from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # The case deadlines' ladder for the timers sweep, and the Celery tasks for the worker.
        from complaints import escalation, tasks  # noqa: F401
        from complaints.reporting import tasks as reporting_tasks  # noqa: F401

        escalation.register()
