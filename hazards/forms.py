"""Forms of the ledger pages. They check the shape of the input (dates, choices,
lengths); hazards/services.py judges it and names the field it refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from hazards.models import AccidentType, CatalogueItem, Hazard, HazardPhoto
from hazards.selectors import items_for
from portal.forms import BootstrapFormMixin

# What each move asks for besides the comment (its PREPARE step reads them).
MOVE_FIELDS: dict[str, tuple[str, ...]] = {
    "submit_for_acceptance": ("completed_on", "measures"),
    "evaluate": ("completed_on",),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CameraInput(forms.ClearableFileInput):
    """On a phone the camera opens directly."""

    def __init__(self) -> None:
        super().__init__(attrs={"accept": "image/*", "capture": "environment"})


class BasisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"
        return f"{obj.version.catalogue.code} {obj.code} · {text}"


class HazardForm(BootstrapFormMixin, forms.Form):
    found_on = forms.DateField(label=_("Found on"), widget=DateInput())
    source = forms.ChoiceField(
        label=_("Source"), choices=Hazard.Source.choices, initial=Hazard.Source.SELF
    )
    location = forms.CharField(label=_("Location or equipment"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Hazard.Category.choices)
    grade = forms.ChoiceField(
        label=_("Grade"), choices=Hazard.Grade.choices, initial=Hazard.Grade.GENERAL
    )
    major_basis = BasisChoiceField(
        label=_("Major-hazard basis (判定依据)"),
        queryset=CatalogueItem.objects.none(),
        required=False,
        help_text=_("Required for a major hazard: the situation of the catalogue it meets."),
    )
    accident_type = forms.ChoiceField(
        label=_("Possible accident"),
        choices=[("", "—"), *AccidentType.choices],
        required=False,
    )
    measures = forms.CharField(
        label=_("Rectification measures"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible_person = forms.CharField(
        label=_("Responsible person"), max_length=50, required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    photo = forms.FileField(label=_("Photo"), required=False, widget=CameraInput())

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"found_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        basis = self.fields["major_basis"]
        assert isinstance(basis, forms.ModelChoiceField)
        basis.queryset = items_for(enterprise)

    def record_fields(self) -> dict[str, Any]:
        """The cleaned values as hazards.services.hazard_record takes them."""
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        return {key: value for key, value in data.items() if value not in ("", None)}


class MoveForm(forms.Form):
    """Every field optional: the service judges what the move needs."""

    comment = forms.CharField(required=False, max_length=2000)
    completed_on = forms.DateField(required=False)
    measures = forms.CharField(required=False, max_length=4000)


class ExtendForm(BootstrapFormMixin, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhotoForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Photo"), choices=HazardPhoto.Kind.choices, initial=HazardPhoto.Kind.BEFORE
    )
    file = forms.FileField(label=_("File"), widget=CameraInput())
