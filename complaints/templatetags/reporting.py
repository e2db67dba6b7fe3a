"""Formatting of report figures: shares as percentages, durations in days and hours."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.8731 → "87.3%"; None (nothing to divide) → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def duration(seconds) -> str:
    """Seconds as "3 d 4 h", "5 h 12 min" or "7 min"; None → "—"."""
    if seconds is None:
        return "—"
    minutes = int(round(float(seconds) / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}


@register.filter
def number(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def report_value(value):
    """A report cell: shares as percentages, missing figures as a dash, the rest as they are."""
    from complaints.reporting.monthly import Share

    if value is None:
        return "—"
    if isinstance(value, Share):
        return str(value)
    return value


@register.filter
def capped(figure) -> str:
    """A capped count (`{"count": 1000, "more": True}`) as "1,000+"; an exact one as its number."""
    text = number_format(figure["count"], force_grouping=True)
    return f"{text}+" if figure.get("more") else text
