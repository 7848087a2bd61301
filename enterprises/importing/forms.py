from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from enterprises.importing.reading import xlsx_problem
from enterprises.models_import import ImportJob
from portal.forms import BootstrapFormMixin


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    mode = forms.ChoiceField(
        label=_("Enterprises already in the registry"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.CREATE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ENTERPRISE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        problem = xlsx_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload
