"""Forms of the inspection pages. They check the shape of the input; the services
(plans.py, services.py) judge it and name the field they refuse."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from hazards.forms import CameraInput, DateInput
from hazards.inspections.selectors import catalogue_versions_for, enterprise_users
from hazards.models import (
    CatalogueItem,
    CatalogueVersion,
    Hazard,
    InspectionKind,
    InspectionPlan,
    InspectionResult,
)
from portal.forms import BootstrapFormMixin
from portal.models import User
from reviews.models import Criterion, StandardVersion
from reviews.selectors import applicable_versions


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, StandardVersion):
            return f"{obj.standard.name} {obj.version}"
        return f"{obj.catalogue.name} {obj.version}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else str(obj.username)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else str(obj.username)


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,，、;；]+", text.strip()) if code]


class PlanForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=InspectionKind.choices)
    scope = forms.CharField(
        label=gettext_lazy("Scope (sites, departments, equipment)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Frequency"), choices=InspectionPlan.Frequency.choices
    )
    responsible_person = forms.CharField(label=gettext_lazy("Responsible person"), max_length=50)
    checklist = forms.ChoiceField(
        label=gettext_lazy("Checklist"),
        choices=InspectionPlan.Checklist.choices,
        widget=forms.RadioSelect,
        initial=InspectionPlan.Checklist.STANDARD,
    )
    standard_version = VersionChoiceField(
        label=gettext_lazy("Standard version"),
        queryset=StandardVersion.objects.none(),
        required=False,
    )
    catalogue_version = VersionChoiceField(
        label=gettext_lazy("Major-hazard catalogue version"),
        queryset=CatalogueVersion.objects.none(),
        required=False,
    )
    codes = forms.CharField(
        label=gettext_lazy("Items to check"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Criterion or item codes separated by commas or spaces; leave empty for all."
        ),
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].widget.attrs["class"] = "form-check-input"
        standard = self.fields["standard_version"]
        assert isinstance(standard, forms.ModelChoiceField)
        versions = [v.pk for v in applicable_versions(enterprise)]
        standard.queryset = StandardVersion.objects.filter(pk__in=versions).select_related(
            "standard"
        )
        catalogue = self.fields["catalogue_version"]
        assert isinstance(catalogue, forms.ModelChoiceField)
        catalogue.queryset = catalogue_versions_for(enterprise)

    @staticmethod
    def initial_for(plan: InspectionPlan) -> dict[str, Any]:
        chosen = plan.criteria.all() if plan.checklist == "standard" else plan.catalogue_items.all()
        return {
            "title": plan.title,
            "kind": plan.kind,
            "scope": plan.scope,
            "frequency": plan.frequency,
            "responsible_person": plan.responsible_person,
            "checklist": plan.checklist,
            "standard_version": plan.standard_version_id,
            "catalogue_version": plan.catalogue_version_id,
            "codes": " ".join(item.code for item in chosen.order_by("pk")),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = _codes(data.get("codes", ""))
        if data.get("checklist") == InspectionPlan.Checklist.STANDARD:
            version = data.get("standard_version")
            if version is None:
                self.add_error(
                    "standard_version", _("Choose the standard version the inspection checks.")
                )
                return data
            found: dict[str, Any] = {
                c.code: c for c in Criterion.objects.filter(version=version, code__in=codes)
            }
            key = "criteria"
        else:
            version = data.get("catalogue_version")
            if version is None:
                self.add_error(
                    "catalogue_version", _("Choose the catalogue the inspection checks.")
                )
                return data
            found = {
                i.code: i for i in CatalogueItem.objects.filter(version=version, code__in=codes)
            }
            key = "catalogue_items"
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.add_error(
                "codes",
                _("Not in the chosen version: %(codes)s.") % {"codes": ", ".join(unknown[:10])},
            )
        data[key] = [found[code] for code in dict.fromkeys(codes) if code in found]
        return data

    def plan_fields(self) -> dict[str, Any]:
        """The cleaned values as hazards.inspections.plans takes them."""
        data = dict(self.cleaned_data)
        data.pop("codes", None)
        if data["checklist"] == InspectionPlan.Checklist.STANDARD:
            data.pop("catalogue_version", None)
            data.setdefault("criteria", [])
        else:
            data.pop("standard_version", None)
            data.setdefault("catalogue_items", [])
        return data


class StartForm(BootstrapFormMixin, forms.Form):
    inspected_on = forms.DateField(label=gettext_lazy("Inspected on"), widget=DateInput())
    leader = PersonChoiceField(label=gettext_lazy("Led by"), queryset=User.objects.none())
    participants = PeopleChoiceField(
        label=gettext_lazy("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The leader takes part in any case; each confirms it."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"inspected_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        people = enterprise_users(enterprise)
        for name in ("leader", "participants"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people


class ResultForm(forms.Form):
    """Every field's shape only; services.result_save says what a 隐患 needs."""

    outcome = forms.ChoiceField(choices=InspectionResult.Outcome.choices)
    note = forms.CharField(required=False, max_length=2000)
    location = forms.CharField(required=False, max_length=200)
    category = forms.ChoiceField(required=False, choices=[("", "—"), *Hazard.Category.choices])
    deadline = forms.DateField(required=False)
    photo = forms.FileField(required=False, widget=CameraInput())
