"""Display helpers for playbook versions (stored as JSON) on the contingency pages."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.choices import RiskFlag, Severity
from contingency.api.fields import format_iso_duration
from contingency.choices import Department

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def step_title(step: dict) -> str:
    return (step.get("title_en") if _english() else "") or step.get("title", "")


@register.filter
def department(code: str) -> str:
    return dict(Department.choices).get(code, code)


@register.filter
def duration(seconds) -> str:
    return format_iso_duration(seconds) or ""


@register.filter
def percent(ratio) -> str:
    return "" if ratio is None else f"{ratio * 100:.0f}%"


@register.filter
def trigger_text(trigger: dict) -> str:
    parts = []
    if trigger.get("min_severity"):
        parts.append(_("severity %(s)s or above") % {"s": dict(Severity.choices).get(trigger["min_severity"])})
    if trigger.get("risk_flags_any"):
        flags = "、".join(str(dict(RiskFlag.choices).get(f, f)) for f in trigger["risk_flags_any"])
        parts.append(_("any of: %(flags)s") % {"flags": flags})
    if trigger.get("volume"):
        volume = trigger["volume"]
        parts.append(_("%(count)d cases of one category within %(window)s")
                     % {"count": volume["count"], "window": format_iso_duration(volume["window"])})
    return _("; or ").join(parts) if parts else "—"
