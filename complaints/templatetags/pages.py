"""Form fields of the pages with the page markers of README "Pages": the label, the value the user typed, and an
error next to the field (`aria-invalid="true"`, `aria-describedby` pointing at the message)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("complaints/_field.html")
def form_field(state, form: str, name: str, label, kind: str = "text", choices=None, required=False,
               help_text="", value="", multiple=False, blank_label="", **attrs):
    mine = state is not None and state.form == form
    errors = state.errors.get(name, []) if mine else []
    if mine:
        current = state.values_list(name) if multiple else state.value(name, "")
    else:
        current = value if not multiple else (value or [])
    field_id = f"{form}-{name}"
    return {
        "id": field_id,
        "name": name,
        "label": label,
        "kind": kind,
        "choices": [(str(k), v) for k, v in (choices or [])],
        "required": required,
        "help_text": help_text,
        "value": current if multiple else ("" if current is None else str(current)),
        "multiple": multiple,
        "errors": errors,
        "error_id": f"{field_id}-error",
        "help_id": f"{field_id}-help",
        "blank_label": blank_label,
        "attrs": {k.replace("_", "-"): v for k, v in attrs.items()},
    }


@register.simple_tag
def form_errors(state, form: str):
    """Messages of the posted form that name no field (or a conflict), for the top of the form."""
    return state.general if state is not None and state.form == form else []


@register.filter
def in_list(value, values) -> bool:
    return str(value) in [str(v) for v in values or []]


@register.inclusion_tag("complaints/_field.html")
def action_field(state, index: int, key: str, label, kind: str = "text", choices=None, **attrs):
    """One field of row `index` of the resolution-actions formset (prefix `actions`)."""
    return form_field(state, "resolve", f"actions-{index}-{key}", label, kind=kind, choices=choices, **attrs)
