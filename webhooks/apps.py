from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from complaints import signals
        from webhooks import receivers
        from webhooks.models import Subscription
        from webhooks.services import subscribers_forget

        post_save.connect(subscribers_forget, sender=Subscription, dispatch_uid="webhooks.subscribers_save")
        post_delete.connect(subscribers_forget, sender=Subscription, dispatch_uid="webhooks.subscribers_delete")

        signals.case_created.connect(receivers.on_case_created, dispatch_uid="webhooks.case_created")
        signals.cases_created.connect(receivers.on_cases_created, dispatch_uid="webhooks.cases_created")
        signals.case_transitioned.connect(
            receivers.on_case_transitioned, dispatch_uid="webhooks.case_transitioned"
        )
        signals.case_escalated.connect(receivers.on_case_escalated, dispatch_uid="webhooks.case_escalated")
        signals.cases_escalated.connect(receivers.on_cases_escalated, dispatch_uid="webhooks.cases_escalated")
