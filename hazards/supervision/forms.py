"""Forms of the report, plan and listing pages: they check the shape of the
input; the services judge it and name the field they refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hazards.forms import DateInput
from hazards.models import (
    CloseApplication,
    ListingEvaluation,
    MajorHazardReport,
    Suspension,
    TreatmentPlan,
)
from portal.forms import BootstrapFormMixin
from portal.models import User


def _text(model: Any, name: str, *, required: bool = False, rows: int = 3) -> forms.CharField:
    field = model._meta.get_field(name)
    return forms.CharField(
        label=capfirst(field.verbose_name),  # lazy: in the reader's language
        max_length=field.max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReportForm(BootstrapFormMixin, forms.Form):
    """A draft may leave parts blank; submitting needs all three texts."""

    current_state_and_causes = _text(MajorHazardReport, "current_state_and_causes")
    harm_and_difficulty = _text(MajorHazardReport, "harm_and_difficulty")
    treatment_outline = _text(MajorHazardReport, "treatment_outline")
    suspension = forms.ChoiceField(
        label=_("Suspension"), choices=Suspension.choices, initial=Suspension.NONE
    )
    workers_congress_on = forms.DateField(
        label=_("Reported to the workers' congress on"), required=False, widget=DateInput()
    )


class PlanForm(BootstrapFormMixin, forms.Form):
    """The six parts of 第15条; a draft may leave some blank."""

    goals_and_tasks = _text(TreatmentPlan, "goals_and_tasks")
    methods_and_measures = _text(TreatmentPlan, "methods_and_measures")
    funds_and_materials = _text(TreatmentPlan, "funds_and_materials")
    organisation_and_people = _text(TreatmentPlan, "organisation_and_people")
    timeline_and_requirements = _text(TreatmentPlan, "timeline_and_requirements")
    safety_and_emergency = _text(TreatmentPlan, "safety_and_emergency")


class ListingForm(BootstrapFormMixin, forms.Form):
    listed_on = forms.DateField(label=_("Listed on"), widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    suspension = forms.ChoiceField(label=_("Suspension"), choices=Suspension.choices)
    requirements = forms.CharField(
        label=_("Requirements"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    progress_interval_days = forms.IntegerField(
        label=_("Progress report every (days)"), min_value=1, max_value=366, initial=15
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["listed_on"].initial = timezone.localdate()


class ProgressForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvaluationForm(BootstrapFormMixin, forms.Form):
    by = forms.ChoiceField(label=_("Evaluated by"), choices=ListingEvaluation.By.choices)
    body_name = forms.CharField(label=_("Name of the body or experts"), max_length=200)
    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())
    file = forms.FileField(
        label=_("Evaluation report (PDF, JPG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/jpeg,image/png"}),
    )


class ApplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Application"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OfficialsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class ReviewForm(BootstrapFormMixin, forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=CloseApplication.Verdict.choices)
    reviewers = OfficialsField(
        label=_("Officials at the on-site review (at least two)"),
        queryset=User.objects.none(),
        # Not Bootstrap's form-check-input: it would shrink the list's wrapper to a box.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "me-1"}),
    )
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    opinion = forms.CharField(
        label=_("Opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, issuer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(organisation_id=issuer_id, is_active=True).order_by(
            "username"
        )
        self.fields["reviewed_on"].initial = timezone.localdate()
