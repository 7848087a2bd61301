"""The city office's target form: the population as choices, allocations and stage goals
as lines of text ("110105 90" and "2014-06-30 50")."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from portal.models import Industry, Region
from reporting.models import Target
from reporting.targets.services import TargetInput


class TargetForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=60, required=False
    )
    industries = forms.ModelMultipleChoiceField(
        Industry.objects.all(), label=gettext_lazy("Industries (none: all)"), required=False
    )
    scales = forms.MultipleChoiceField(
        choices=Enterprise.Scale.choices, label=gettext_lazy("Scales (none: all)"), required=False
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.all(), label=gettext_lazy("Districts (none: all)"), required=False
    )
    required_grade = forms.ChoiceField(
        choices=Target.Grade.choices, label=gettext_lazy("Required grade")
    )
    deadline = forms.DateField(label=gettext_lazy("Deadline"))
    rate = forms.DecimalField(
        label=gettext_lazy("Target rate (%)"), min_value=0, max_value=100, decimal_places=2
    )
    allocations = forms.CharField(
        label=gettext_lazy("Per-district rates: one 'district code rate' a line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    stages = forms.CharField(
        label=gettext_lazy("Stage goals: one 'YYYY-MM-DD rate' a line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    @staticmethod
    def _pairs(text: str) -> list[tuple[str, str]]:
        pairs = []
        for line in text.splitlines():
            if line.strip():
                parts = line.split()
                if len(parts) != 2:
                    raise forms.ValidationError(
                        _("Each line holds two values: %(line)s") % {"line": line.strip()[:50]}
                    )
                pairs.append((parts[0], parts[1]))
        return pairs

    def clean_allocations(self) -> dict[str, str]:
        return dict(self._pairs(self.cleaned_data["allocations"]))

    def clean_stages(self) -> list[tuple[datetime.date, str]]:
        stages = []
        for day, rate in self._pairs(self.cleaned_data["stages"]):
            try:
                stages.append((datetime.date.fromisoformat(day), rate))
            except ValueError:
                raise forms.ValidationError(_("Not a date: %(day)s") % {"day": day[:20]}) from None
        return stages

    def to_input(self) -> TargetInput:
        data = self.cleaned_data
        return TargetInput(
            title=data["title"],
            document_number=data["document_number"],
            industries=[i.pk for i in data["industries"]],
            scales=list(data["scales"]),
            regions=[r.pk for r in data["regions"]],
            required_grade=data["required_grade"],
            deadline=data["deadline"],
            rate=data["rate"],
            allocations=data["allocations"],
            stages=data["stages"],
        )

    @staticmethod
    def initial_of(target: Target) -> dict[str, Any]:
        return {
            "title": target.title,
            "document_number": target.document_number,
            "industries": list(target.industries.all()),
            "scales": target.scales,
            "regions": list(target.regions.all()),
            "required_grade": target.required_grade,
            "deadline": target.deadline,
            "rate": target.rate,
            "allocations": "\n".join(f"{a.region_id} {a.rate}" for a in target.allocations.all()),
            "stages": "\n".join(f"{s.due_on} {s.rate}" for s in target.stages.all()),
        }
