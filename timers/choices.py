from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


class CalendarMode(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING_DAYS = "working_days", _("Working days")
