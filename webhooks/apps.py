from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from complaints import signals
        from webhooks import receivers

        signals.case_created.connect(receivers.on_case_created, dispatch_uid="webhooks.case_created")
        signals.case_transitioned.connect(
            receivers.on_case_transitioned, dispatch_uid="webhooks.case_transitioned"
        )
        signals.case_escalated.connect(receivers.on_case_escalated, dispatch_uid="webhooks.case_escalated")
