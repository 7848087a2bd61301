"""Recording accidents on an enterprise (enterprises/accidents.py): a page
with the form, linked from the enterprise page, which lists the accidents.

Scope: the enterprise through Enterprise.objects.visible_to (404 outside);
only its district, the city office and the enterprise itself record (403).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises import accidents
from enterprises.models import Accident, AccidentFinding, Enterprise
from portal import permissions
from portal.errors import ServiceError


class AccidentForm(forms.Form):
    occurred_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deaths = forms.IntegerField(
        label=gettext_lazy("Deaths"), min_value=0, max_value=32767, initial=0
    )
    serious_injuries = forms.IntegerField(
        label=gettext_lazy("Serious injuries"), min_value=0, max_value=32767, initial=0
    )
    direct_loss = forms.DecimalField(
        label=gettext_lazy("Direct economic loss (10,000 yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea,
        max_length=accidents.MAX_DESCRIPTION,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


@login_required
def accident_add(request, pk: int):
    enterprise = permissions.get_visible_or_404(
        Enterprise.objects.select_related("region"), request.user, pk=pk
    )
    permissions.require(accidents.can_record(request.user, enterprise))
    form = AccidentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accidents.accident_record(
                    actor=request.user, enterprise=enterprise, **form.cleaned_data
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The accident was recorded."))
                return redirect("enterprises:detail", pk=enterprise.pk)
        status = 400
    return render(
        request,
        "enterprises/accident_form.html",
        {"enterprise": enterprise, "form": form},
        status=status,
    )


class FindingForm(forms.Form):
    finding = forms.ChoiceField(
        label=gettext_lazy("Finding (事故认定)"),
        choices=[("", "—"), *AccidentFinding.choices],
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference of the finding (document number)"), max_length=100
    )
    note = forms.CharField(
        label=gettext_lazy("Explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "finding":
                field.widget.attrs.setdefault("class", "form-control")


@login_required
def accident_finding(request, pk: int, accident_id: int):
    """The district or the city office records whether the accident was a
    production-safety accident (accidents.accident_record_finding)."""
    enterprise = permissions.get_visible_or_404(
        Enterprise.objects.select_related("region"), request.user, pk=pk
    )
    accident = get_object_or_404(Accident, pk=accident_id, enterprise=enterprise)
    permissions.require(accidents.can_record_finding(request.user, enterprise))
    form = FindingForm(request.POST or None)
    status = 200
    if request.method == "POST" and not accident.finding:
        if form.is_valid():
            try:
                accidents.accident_record_finding(
                    actor=request.user, accident=accident, **form.cleaned_data
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The finding was recorded."))
                return redirect("enterprises:detail", pk=enterprise.pk)
        status = 400
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "enterprises/accident_finding.html",
        {"enterprise": enterprise, "accident": accident, "form": form},
        status=status,
    )
