"""What the page views share: the posted form's state (what the user typed, the errors by field
name) for the templates, built from the lead's page forms (complaints.forms)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from common.exceptions import DomainError, ValidationFailed


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


def nul_state(key: str, values) -> FormState | None:
    """A NUL character cannot be stored (PostgreSQL refuses it in text): refuse such a POST
    before any field reaches the database, whichever field carries it."""
    for name, items in values.lists():
        for item in items:
            if "\x00" in item:
                state = FormState(form=key, values={})
                state.errors[name] = [_("Null characters are not allowed.")]
                state.general.append(_("Null characters are not allowed."))
                return state
    return None


def add_domain_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """A service's ValidationFailed, shown next to the fields it names (the form maps API attrs)."""
    for attr, pairs in exc.errors.items():
        for code, message in pairs:
            form.add_api_error(attr, message, code)


def state_from_form(key: str, values, form: forms.Form) -> FormState:
    """The bound form's errors by posted field name; the `actions` formset's rows included."""
    state = FormState(form=key, values=values)
    for name, messages in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            state.general.extend(messages)
        else:
            state.errors.setdefault(form.add_prefix(name), []).extend(messages)
    formset = getattr(form, "actions", None)
    if formset is not None and formset.is_bound:
        for row in formset.forms:
            for name, messages in row.errors.items():
                state.errors.setdefault(row.add_prefix(name), []).extend(messages)
        state.general.extend(formset.non_form_errors())
    return state


def state_from_error(key: str, values, exc: DomainError) -> FormState:
    """A refusal that names no field (not possible now, a third extension): above the form."""
    return FormState(form=key, values=values, general=[str(exc.detail or exc)])


def conflict_state(key: str, values, exc: DomainError | None = None) -> FormState:
    general = [str(exc.detail)] if exc is not None and exc.detail else []
    general.append(_("Someone else changed this case while you were typing. Your input is kept below; "
                     "check the case as it is now and send again."))
    return FormState(form=key, values=values, conflict=True, general=general)
