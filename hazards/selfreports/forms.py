"""Forms of the self-report pages: they check the shape of the input; the services
judge it (hazards/selfreports/services.py) and name the field they refuse."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hazards.models import PeriodKind, SelfReport
from hazards.models.selfreports import COUNT_FIGURES
from portal.forms import BootstrapFormMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PeriodForm(BootstrapFormMixin, forms.Form):
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.IntegerField(
        label=_("Month or quarter"),
        min_value=0,
        max_value=12,
        required=False,
        help_text=_("0 for a year."),
    )


def _label(name: str) -> StrOrPromise:
    # Lazy: the label is read in the reader's language, not the one at import.
    return capfirst(getattr(SelfReport._meta.get_field(name), "verbose_name", name))


class ReportForm(BootstrapFormMixin, forms.Form):
    """The figures, the texts and the standardization section of a draft."""

    zero_report = forms.BooleanField(label=_label("zero_report"), required=False)
    funds = forms.DecimalField(label=_label("funds"), min_value=0, max_digits=14, decimal_places=2)
    adjustment_reason = forms.CharField(
        label=_label("adjustment_reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a figure differs from the ledger's."),
    )
    analysis = forms.CharField(
        label=_label("analysis"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_measures = forms.CharField(
        label=_label("next_measures"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    filled_by = forms.CharField(label=_label("filled_by"), max_length=50, required=False)
    standardization_grade = forms.CharField(
        label=_label("standardization_grade"), max_length=40, required=False
    )
    self_assessment_score = forms.DecimalField(
        label=_label("self_assessment_score"),
        min_value=0,
        max_value=999,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    annual_self_assessment_done = forms.BooleanField(
        label=_label("annual_self_assessment_done"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in COUNT_FIGURES:
            self.fields[name] = forms.IntegerField(
                label=_label(name), min_value=0, max_value=2_000_000_000
            )
            self.fields[name].widget.attrs.update({"class": "form-control form-control-sm"})

    @staticmethod
    def initial_of(report: SelfReport) -> dict[str, Any]:
        from hazards.selfreports.services import EDITABLE

        return {name: getattr(report, name) for name in EDITABLE}


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RuleForm(BootstrapFormMixin, forms.Form):
    monthly = forms.BooleanField(label=_("Monthly self-reports required"), required=False)


class TableRequestForm(BootstrapFormMixin, forms.Form):
    region = forms.CharField(max_length=6, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)
