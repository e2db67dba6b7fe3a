from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContingencyConfig(AppConfig):
    name = "contingency"
    verbose_name = _("Contingency")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from complaints import signals
        from complaints.demo_data import register_demo_seeder
        from complaints.selectors import register_case_visibility
        from contingency import receivers, rules, tasks, timers  # noqa: F401 - rules and tasks register themselves
        from contingency.demo_data import seed_demo
        from contingency.models import Playbook, PlaybookVersion
        from contingency.selectors import case_ids_visible_through_activations
        from contingency.triggers import triggers_forget

        def forget(*args, **kwargs) -> None:
            # Now for this process, and again after commit (a reload in between saw the old rows).
            triggers_forget()
            transaction.on_commit(triggers_forget)

        for model in (Playbook, PlaybookVersion):
            post_save.connect(forget, sender=model, dispatch_uid=f"contingency.triggers.save.{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"contingency.triggers.delete.{model.__name__}")
        self._forget = forget  # keep the closure alive (signals hold weak references)

        signals.case_created.connect(receivers.on_case_created, dispatch_uid="contingency.case_created")
        signals.cases_created.connect(receivers.on_cases_created, dispatch_uid="contingency.cases_created")
        signals.case_transitioned.connect(receivers.on_case_transitioned, dispatch_uid="contingency.case_transitioned")
        signals.case_escalated.connect(receivers.on_case_escalated, dispatch_uid="contingency.case_escalated")
        signals.cases_escalated.connect(receivers.on_cases_escalated, dispatch_uid="contingency.cases_escalated")
        register_case_visibility(case_ids_visible_through_activations)
        register_demo_seeder(seed_demo)
        timers.register()
        from complaints.views.workspace import register_case_panel
        from contingency.views import case_panel_context

        register_case_panel("contingency/_case_panel.html", case_panel_context)
