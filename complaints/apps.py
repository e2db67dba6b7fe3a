from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # Calendar cache busting on admin edits, and the SLA and report Celery tasks for the worker.
        from complaints import business_calendar, sla_tasks  # noqa: F401
        from complaints.reporting import tasks as reporting_tasks  # noqa: F401
