"""Forms of the contingency pages; field names are the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contingency.choices import Department
from contingency.models import Playbook

TEXT_MAX = 10000


class AriaForm(forms.Form):
    """A field with an error carries aria-invalid and points at its message (page markers, README "Pages")."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = ("form-check-input" if isinstance(widget, forms.CheckboxInput)
                   else "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self.prefix + '-' if self.prefix else ''}{name}-error"}
                )


class TaskCompleteForm(AriaForm):
    notes = forms.CharField(label=_("Notes"), max_length=TEXT_MAX, required=False)


class CommentForm(AriaForm):
    body = forms.CharField(label=_("Comment"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(AriaForm):
    override_reason = forms.CharField(
        label=_("Override reason"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed while required tasks are still open."),
    )


class ReviewForm(AriaForm):
    summary = forms.CharField(label=_("Summary"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.CharField(label=_("Root cause"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    what_worked = forms.CharField(label=_("What worked"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    improvements = forms.CharField(
        label=_("Improvements"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; each becomes a key point of the proposed new version."),
    )
    propose_version = forms.BooleanField(label=_("Propose a new playbook version with these improvements"),
                                         required=False, initial=True)


class ActivateForm(AriaForm):
    playbook = forms.ModelChoiceField(label=_("Playbook"), queryset=Playbook.objects.filter(versions__status="active"))
    cases = forms.CharField(label=_("Case ids"), required=False, help_text=_("Separated by commas or spaces."))
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_cases(self) -> list[int]:
        raw = self.cleaned_data.get("cases") or ""
        try:
            ids = [int(part) for part in raw.replace(",", " ").split()]
        except ValueError:
            raise forms.ValidationError(_("Give case ids as whole numbers."), code="invalid") from None
        if any(pk <= 0 or pk >= 2**63 for pk in ids):
            raise forms.ValidationError(_("Give case ids as whole numbers."), code="invalid")
        from complaints.selectors import case_ids_existing

        missing = set(ids) - case_ids_existing(case_ids=ids)
        if missing:
            raise forms.ValidationError(
                _("No such case: %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))}, code="does_not_exist"
            )
        return ids


class DrillForm(AriaForm):
    playbook = forms.ModelChoiceField(label=_("Playbook"), queryset=Playbook.objects.filter(versions__status="active"))
    scheduled_for = forms.DateTimeField(label=_("Scheduled for"), required=False,
                                        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                        help_text=_("Empty: start now."))
    repeat_every = forms.CharField(label=_("Repeat every"), max_length=40, required=False,
                                   help_text=_("Optional, ISO 8601, e.g. P90D for every 90 days."))

    def clean_repeat_every(self):
        from datetime import timedelta

        raw = self.cleaned_data.get("repeat_every")
        return timedelta(seconds=_iso_seconds(raw)) if raw else None


class VersionForm(AriaForm):
    """A draft's content; steps in a formset whose `order` reorders them."""

    key_points = forms.CharField(label=_("Key points"), widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text=_("One per line."))


class StepForm(AriaForm):
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=1000)
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), max_length=TEXT_MAX, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ChoiceField(label=_("Department"), choices=Department.choices)
    due_within = forms.CharField(label=_("Time limit"), max_length=40, help_text=_("ISO 8601, e.g. PT4H."))
    required = forms.BooleanField(label=_("Required"), required=False)

    def clean_due_within(self) -> int:
        return _iso_seconds(self.cleaned_data["due_within"])


def _iso_seconds(raw: str) -> int:
    """An ISO 8601 duration as seconds, with the API's rules and messages."""
    from rest_framework import serializers

    from contingency.api.fields import IsoDurationField

    try:
        return IsoDurationField().to_internal_value(raw)
    except serializers.ValidationError as exc:
        raise forms.ValidationError(str(exc.detail[0]), code="invalid") from None


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)
