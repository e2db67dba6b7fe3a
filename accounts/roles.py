"""Roles are Django groups; these are their names, created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    EMERGENCY_LEAD = "emergency_lead", _("Emergency lead")
    EMERGENCY_MEMBER = "emergency_member", _("Emergency member")
    AUDITOR = "auditor", _("Auditor")
    API_CLIENT = "api_client", _("API client")
