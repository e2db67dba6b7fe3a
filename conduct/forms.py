"""The CSV upload form of the case workspace."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ContactUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Collection contact records (CSV)"),
        help_text=_("UTF-8 or GB18030, a header row with the API's column names, up to 5,000 rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CONDUCT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB."), code="max_size",
                params={"mb": settings.CONDUCT_IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return upload
