from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = _("Collection conduct")

    def ready(self) -> None:
        # Plug into the complaints app's seams (it never imports this app).
        from conduct import receivers

        receivers.connect()
