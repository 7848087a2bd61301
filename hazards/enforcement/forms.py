"""Forms of the inspection and tip-off pages: the shape of the input; the services
in hazards/enforcement/services.py judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from hazards.forms import BasisChoiceField, DateInput, HazardForm
from hazards.models import CatalogueItem, Hazard
from hazards.selectors import items_for
from portal.forms import BootstrapFormMixin

# Item rows the order form offers; rows left empty are ignored.
ITEM_ROWS = 5


class InspectionForm(BootstrapFormMixin, forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput())
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    summary = forms.CharField(
        label=_("Findings"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    order_number = forms.CharField(label=_("Order number (责令限期整改指令书)"), max_length=60)
    order_deadline = forms.DateField(label=_("Rectify by"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"inspected_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ItemForm(BootstrapFormMixin, forms.Form):
    location = forms.CharField(label=_("Location or equipment"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Not required: a row left empty is ignored; hazard_record requires them of a
    # filled row.
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Hazard.Category.choices,
        initial=Hazard.Category.SITE,
        required=False,
    )
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=Hazard.Grade.choices,
        initial=Hazard.Grade.GENERAL,
        required=False,
    )
    major_basis = BasisChoiceField(
        label=_("Major-hazard basis (判定依据)"),
        queryset=CatalogueItem.objects.none(),
        required=False,
    )
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False)

    def __init__(self, *args: Any, basis_items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if basis_items is not None:
            field = self.fields["major_basis"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = basis_items

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("location") or data.get("description"))

    def item(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}


def item_forms(data: Any, enterprise: Enterprise) -> list[ItemForm]:
    """The order's item rows; the 判定依据 choices are read once for all rows."""
    basis_items = items_for(enterprise)
    return [
        ItemForm(data, prefix=f"item-{index}", basis_items=basis_items)
        for index in range(ITEM_ROWS)
    ]


class ReviewForm(BootstrapFormMixin, forms.Form):
    review_number = forms.CharField(
        label=_("Follow-up review number (整改复查意见书)"), max_length=60
    )
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    opinion = forms.CharField(
        label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    not_passed = forms.TypedMultipleChoiceField(
        label=_("Rows awaiting acceptance that did not pass"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every other row awaiting acceptance passes and is closed."),
    )

    def __init__(self, *args: Any, awaiting: list[Hazard] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reviewed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["not_passed"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(row.pk, f"{row.number} · {row.location}") for row in awaiting or []]


class TipOffForm(BootstrapFormMixin, forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    content = forms.CharField(
        label=_("What was reported"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    reporter_contact = forms.CharField(
        label=_("Reporter's contact"), max_length=100, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ConfirmForm(HazardForm):
    """The hazard the tip-off turned out to be; its source is 举报."""

    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, enterprise=enterprise, **kwargs)
        del self.fields["source"]
        del self.fields["photo"]

    def record_fields(self) -> dict[str, Any]:
        data = super().record_fields()
        data.pop("outcome", None)
        return data


class DismissForm(BootstrapFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("What the check found"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
