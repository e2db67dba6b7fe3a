"""Page forms of the complaints app, built on the API's input serializers.

A page form renders the fields with the names pages promise (`complainant_phone`,
`actions-0-amount`, …) and validates by running the same serializer as the API
(`complaints.api.inputs`), so a value the API refuses is refused here with the same message,
shown next to the field. `form.validated` is then the serializer's `validated_data`: the
typed arguments of the service the view calls. Fields here never validate on their own (no
Django `required`, no choice check): one rule, one place, one message.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from common.api import error_items
from complaints.api import inputs
from complaints.choices import (
    ActionType,
    Channel,
    CollectionChannel,
    Direction,
    Finding,
    Outcome,
    RiskFlag,
    Severity,
)


class PassThroughChoiceField(forms.ChoiceField):
    """A select whose value the serializer checks (so the message is the API's)."""

    def validate(self, value: Any) -> None:
        return None


class PassThroughMultipleChoiceField(forms.MultipleChoiceField):
    def validate(self, value: Any) -> None:
        return None


def _text(label: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, strip=False, **kwargs)


def _area(label: str) -> forms.CharField:
    return _text(label, widget=forms.Textarea(attrs={"rows": 3}))


def _blank_first(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class InputForm(forms.Form):
    """A form validated by `serializer_class`; API attrs map to fields through `attr_fields`."""

    serializer_class: ClassVar[type[serializers.Serializer]]
    # API attr → form field, where the names differ (`complainant.phone` → `complainant_phone`).
    attr_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validated: dict[str, Any] = {}

    def payload(self) -> dict[str, Any]:
        """The API body this submission stands for (empty optional fields left out)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, [])}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        serializer = self.serializer_class(data=self.payload())
        if serializer.is_valid():
            self.validated = dict(serializer.validated_data)
        else:
            for item in error_items(ValidationError(serializer.errors)):
                self.add_api_error(item["attr"], item["detail"], item["code"])
        return cleaned

    def field_for(self, attr: str | None) -> str | None:
        if attr is None:
            return None
        name = self.attr_fields.get(attr, attr)
        return name if name in self.fields else None

    def add_api_error(self, attr: str | None, detail: str, code: str) -> None:
        """Show an error of the API (a serializer's or a service's) next to its field."""
        field = self.field_for(attr)
        self.add_error(field, forms.ValidationError(detail, code=code))


class CaseIntakeForm(InputForm):
    """The intake form: every field of a complaint, with the API's names (docs/user-guide.md)."""

    serializer_class = inputs.CaseCreateSerializer
    attr_fields: ClassVar[dict[str, str]] = {
        "complainant": "complainant_name",
        "complainant.name": "complainant_name",
        "complainant.phone": "complainant_phone",
        "complainant.id_number": "complainant_id_number",
        "complainant.email": "complainant_email",
    }

    channel = PassThroughChoiceField(label=_("channel"), required=False, choices=_blank_first(Channel.choices))
    category = PassThroughChoiceField(label=_("category"), required=False, choices=())
    severity = PassThroughChoiceField(
        label=_("severity"), required=False, choices=Severity.choices, initial=Severity.NORMAL
    )
    summary = _text(_("summary"), max_length=None)
    description = _area(_("description"))
    received_at = _text(_("received at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    complainant_name = _text(_("complainant name"))
    complainant_phone = _text(_("complainant phone"), widget=forms.TextInput(attrs={"inputmode": "tel"}))
    complainant_id_number = _text(_("complainant ID number"))
    complainant_email = _text(_("complainant e-mail"), widget=forms.EmailInput())
    account_reference = _text(_("account reference"))
    collection_channel = PassThroughChoiceField(
        label=_("collection channel"), required=False, choices=_blank_first(CollectionChannel.choices)
    )
    risk_flags = PassThroughMultipleChoiceField(
        label=_("risk flags"), required=False, choices=RiskFlag.choices, widget=forms.CheckboxSelectMultiple
    )
    external_id = _text(_("external ID"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from complaints.selectors import category_list_active

        self.fields["category"].choices = _blank_first((c.code, c.name) for c in category_list_active())

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        complainant = {
            key: data.pop(f"complainant_{key}")
            for key in ("name", "phone", "id_number", "email")
            if f"complainant_{key}" in data
        }
        data["complainant"] = complainant
        return data


class VersionedForm(InputForm):
    """A form on an existing case: carries the version it was rendered with (stale → conflict)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        data.pop("version", None)
        return data


class StartVerificationForm(VersionedForm):
    serializer_class = inputs.StartVerificationInput
    assignee = PassThroughChoiceField(label=_("assignee"), required=False, choices=())

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        if "assignee" in data:
            data["assignee"] = _as_int(data["assignee"])
        return data


class CompleteVerificationForm(VersionedForm):
    serializer_class = inputs.CompleteVerificationInput
    finding = PassThroughChoiceField(label=_("verification finding"), required=False, choices=_blank_first(Finding.choices))
    notes = _area(_("verification notes"))
    override_reason = _area(_("reason for differing from the conduct check"))


class ProposeResolutionForm(VersionedForm):
    serializer_class = inputs.ProposeResolutionInput
    customer_demand = _area(_("customer demand"))
    notes = _area(_("notes"))


class ResolutionActionForm(forms.Form):
    """One row of the `actions` formset: `actions-N-type`, `actions-N-amount`, `actions-N-detail`."""

    type = PassThroughChoiceField(label=_("type"), required=False, choices=_blank_first(ActionType.choices))
    amount = _text(_("amount"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    detail = _text(_("detail"))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("type", "amount", "detail"))


ResolutionActionFormSet = forms.formset_factory(ResolutionActionForm, extra=2, max_num=inputs.MAX_ACTIONS)
ACTIONS_PREFIX = "actions"


class ResolveForm(VersionedForm):
    """`resolve`: the summary here, the actions in the formset with the prefix `actions`."""

    serializer_class = inputs.ResolveInput
    summary = _area(_("resolution summary"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = ResolutionActionFormSet(self.data or None, prefix=ACTIONS_PREFIX)

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        rows = []
        if self.actions.is_bound and self.actions.is_valid():
            for form in self.actions.forms:
                if not form.is_blank():
                    rows.append({k: v for k, v in form.cleaned_data.items() if v not in ("", None)})
        self._action_rows = [form for form in self.actions.forms if form.is_bound and not form.is_blank()]
        data["actions"] = rows
        return data

    def add_api_error(self, attr: str | None, detail: str, code: str) -> None:
        parts = (attr or "").split(".")
        if parts[0] == "actions" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            rows = getattr(self, "_action_rows", [])
            if index < len(rows) and parts[2] in rows[index].fields:
                rows[index].add_error(parts[2], forms.ValidationError(detail, code=code))
                # The form as a whole is invalid too, so the view never fires the transition.
                self.add_error(None, forms.ValidationError(_("Check the resolution actions."), code="actions"))
                return
        if attr == "actions":
            self.add_error(None, forms.ValidationError(detail, code=code))
            return
        super().add_api_error(attr, detail, code)


class RecordFeedbackForm(VersionedForm):
    serializer_class = inputs.RecordFeedbackInput
    satisfaction = PassThroughChoiceField(
        label=_("satisfaction"), required=False, choices=_blank_first((str(n), str(n)) for n in range(1, 6))
    )
    accepted = PassThroughChoiceField(
        label=_("customer accepted"), required=False,
        choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
    )
    comment = _area(_("feedback comment"))

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        if "satisfaction" in data:
            data["satisfaction"] = _as_int(data["satisfaction"])
        if "accepted" in data:
            data["accepted"] = {"true": True, "false": False}.get(data["accepted"], data["accepted"])
        return data


class CloseForm(VersionedForm):
    serializer_class = inputs.NotesInput
    notes = _area(_("closing notes"))


class ReasonForm(VersionedForm):
    serializer_class = inputs.ReasonInput
    reason = _area(_("reason"))


TRANSITION_FORMS: dict[str, type[VersionedForm]] = {
    "start_verification": StartVerificationForm,
    "complete_verification": CompleteVerificationForm,
    "propose_resolution": ProposeResolutionForm,
    "resolve": ResolveForm,
    "record_feedback": RecordFeedbackForm,
    "close": CloseForm,
    "reopen": ReasonForm,
    "withdraw": ReasonForm,
}


class NoteForm(InputForm):
    serializer_class = inputs.NoteInput
    body = _area(_("note"))
    internal = forms.BooleanField(label=_("internal note"), required=False, initial=True)

    def payload(self) -> dict[str, Any]:
        return {"body": self.cleaned_data.get("body", ""), "internal": bool(self.cleaned_data.get("internal"))}


class CommunicationForm(InputForm):
    serializer_class = inputs.CommunicationInput
    channel = PassThroughChoiceField(label=_("channel"), required=False, choices=_blank_first(Channel.choices))
    direction = PassThroughChoiceField(label=_("direction"), required=False, choices=_blank_first(Direction.choices))
    outcome = PassThroughChoiceField(label=_("outcome"), required=False, choices=_blank_first(Outcome.choices))
    summary = _area(_("summary"))


class AssignForm(VersionedForm):
    serializer_class = inputs.AssigneeInput
    assignee = PassThroughChoiceField(label=_("assignee"), required=False, choices=())

    def payload(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("assignee")
        return {"assignee": _as_int(raw) if raw not in ("", None) else None}


class PiiRevealForm(InputForm):
    serializer_class = inputs.PiiRevealInput
    reason = _text(_("reason for viewing personal data"))


class ExtensionForm(VersionedForm):
    reason = _area(_("reason for the extension"))

    @property
    def serializer_class(self) -> type[serializers.Serializer]:  # type: ignore[override]
        from complaints.api.sla_serializers import ExtensionInputSerializer

        return ExtensionInputSerializer


class AttachmentForm(forms.Form):
    """The upload; its content and size are checked by the attachments service."""

    file = forms.FileField(label=_("file"), required=False)


def _as_int(value: Any) -> Any:
    """Digits become an int; anything else stays as typed, for the serializer to refuse."""
    return int(value) if isinstance(value, str) and value.isdigit() else value
