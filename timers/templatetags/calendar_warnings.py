from django import template

from timers.calendar import calendar_missing_years

register = template.Library()


@register.simple_tag
def missing_calendar_years() -> list[int]:
    """Years (this and next) whose holiday schedule is not loaded: deadlines there count Mon–Fri."""
    return calendar_missing_years()
