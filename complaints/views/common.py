"""What the page views share: the posted form's state and the mapping of domain errors onto it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from common.exceptions import DomainError, ValidationFailed

# Service attrs name the API's fields; the pages post flat names (PAGES.md "Form fields").
_FLAT_ATTRS = {
    "complainant.name": "complainant_name",
    "complainant.phone": "complainant_phone",
    "complainant.id_number": "complainant_id_number",
    "complainant.email": "complainant_email",
    "complainant": "complainant_name",
}
_ACTION_ATTR = re.compile(r"^actions\.(\d+)(?:\.(\w+))?$")


def form_field_name(attr: str | None) -> str | None:
    """`complainant.phone` → `complainant_phone`; `actions.0.amount` → `actions-0-amount`."""
    if attr is None:
        return None
    if attr in _FLAT_ATTRS:
        return _FLAT_ATTRS[attr]
    match = _ACTION_ATTR.match(attr)
    if match:
        index, sub = match.groups()
        return f"actions-{index}-{sub}" if sub else f"actions-{index}-type"
    return attr


@dataclass
class FormState:
    """The form a POST came from, what the user typed and what was wrong with it."""

    form: str
    values: QueryDict | dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    conflict: bool = False

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default) if self.values else default

    def values_list(self, name: str) -> list[str]:
        if hasattr(self.values, "getlist"):
            return self.values.getlist(name)
        value = self.values.get(name)
        return [value] if value else []


def state_from_error(form: str, values, exc: DomainError, *, known_fields: set[str]) -> FormState:
    """A ValidationFailed's messages go next to the fields they name; anything else on top."""
    state = FormState(form=form, values=values)
    if isinstance(exc, ValidationFailed):
        for attr, pairs in exc.errors.items():
            name = form_field_name(attr)
            target = state.errors.setdefault(name, []) if name in known_fields else state.general
            target.extend(message for _code, message in pairs)
    else:
        state.general.append(str(exc.detail if hasattr(exc, "detail") else exc))
    return state


def conflict_state(form: str, values) -> FormState:
    return FormState(
        form=form,
        values=values,
        conflict=True,
        general=[_("Someone else changed this case while you were typing. Your input is kept below; "
                   "check the case as it is now and send again.")],
    )


def posted_version(values) -> int | None:
    raw = values.get("version", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None
