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

        # Intake's per-process memos forget on every change of what they hold.
        from django.db.models.signals import post_delete, post_save

        from complaints.models import Category, SlaPolicy
        from complaints.selectors import categories, sla_policies

        for memo, sender in ((categories, Category), (sla_policies, SlaPolicy)):
            post_save.connect(memo.forget, sender=sender, dispatch_uid=f"complaints.{memo.name}.save")
            post_delete.connect(memo.forget, sender=sender, dispatch_uid=f"complaints.{memo.name}.delete")
