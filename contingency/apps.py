from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContingencyConfig(AppConfig):
    name = "contingency"
    verbose_name = _("Contingency")
