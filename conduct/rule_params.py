"""The parameters each rule kind takes, checked the same way for the API's PATCH and the admin."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed
from conduct.choices import ContactParty, RuleKind
from conduct.rules_engine import parse_clock

# kind → {param: (type, minimum, maximum)}; "clock" is "HH:MM", "parties" a list of party codes.
PARAM_SPECS: dict[str, dict[str, tuple[str, int, int]]] = {
    RuleKind.QUIET_HOURS: {"start": ("clock", 0, 0), "end": ("clock", 0, 0)},
    RuleKind.DAILY_UNANSWERED_ATTEMPTS: {"max": ("int", 1, 1000)},
    RuleKind.UNRELATED_THIRD_PARTY: {"allowed_parties": ("parties", 0, 0)},
    RuleKind.VISIT_COLLECTORS: {"min": ("int", 1, 20)},
    RuleKind.ATTEMPTS_IN_DAYS: {"max": ("int", 1, 10000), "days": ("int", 1, 366)},
}
OPTIONAL_PARAMS = {"allowed_parties"}


def _check_value(kind: str, minimum: int, maximum: int, value: Any) -> tuple[str, str] | None:
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            return "invalid", _("Give a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}
    elif kind == "clock":
        try:
            parse_clock(value if isinstance(value, str) else "")
        except ValueError:
            return "invalid", _("Give a time of day as HH:MM, e.g. 22:00.")
    elif kind == "parties":
        if not isinstance(value, list) or not all(isinstance(v, str) and v in ContactParty.values for v in value):
            return "invalid_choice", _("Give a list of parties: %(parties)s.") % {
                "parties": ", ".join(ContactParty.values)
            }
    return None


def rule_params_clean(kind: str, params: Any) -> dict:
    """The complete, valid parameters of a rule of `kind`, or ValidationFailed naming `params.<name>`."""
    if not isinstance(params, dict):
        raise ValidationFailed.single("params", "invalid", _("Send the parameters as a JSON object."))
    specs = PARAM_SPECS[kind]
    errors: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(set(params) - set(specs)):
        errors[f"params.{name}"] = [("unknown_field", _("This rule takes no parameter of this name."))]
    for name, (value_kind, minimum, maximum) in specs.items():
        if name not in params:
            if name not in OPTIONAL_PARAMS:
                errors[f"params.{name}"] = [("required", _("This field is required."))]
            continue
        problem = _check_value(value_kind, minimum, maximum, params[name])
        if problem:
            errors[f"params.{name}"] = [problem]
    if not errors and kind == RuleKind.QUIET_HOURS and params["start"] == params["end"]:
        errors["params.end"] = [("invalid", _("The quiet hours must not start and end at the same time."))]
    if errors:
        raise ValidationFailed(errors)
    return {name: params[name] for name in specs if name in params}
