"""Forms of the self-assessment pages. Business rules live in reviews/services.py;
these only parse what the browser sent."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import BootstrapFormMixin
from reviews.models import Assessment, Result, StandardVersion


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def version_label(version: StandardVersion) -> str:
    return f"{version.standard} · {version.version} ({version.standard.get_grading_display()})"


class TeamFieldsMixin(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period until"), widget=DateInput())
    team_leader = forms.CharField(
        label=_("Team leader"),
        max_length=50,
        required=False,
        help_text=_("Needed before the assessment can be submitted."),
    )
    team_members = forms.CharField(
        label=_("Team members"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name and post per line."),
    )
    deaths_last_year = forms.IntegerField(
        label=_("Deaths in production-safety accidents in the last year"),
        min_value=0,
        max_value=999,
        initial=0,
        error_messages={"invalid": _("Enter a whole number of people (0 if none).")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class AssessmentStartForm(BootstrapFormMixin, TeamFieldsMixin):
    version = forms.ModelChoiceField(
        label=_("Standard and version"),
        queryset=StandardVersion.objects.none(),
        empty_label=_("Choose a standard"),
        error_messages={
            "invalid_choice": _(
                "This standard does not apply to your enterprise, or the version is not published."
            )
        },
    )
    copy_from = forms.ModelChoiceField(
        label=_("Start from an earlier assessment (optional)"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("No, start with empty answers"),
        help_text=_(
            "Answers are copied for criteria with the same code; evidence files are not copied."
        ),
        error_messages={"invalid_choice": _("You can only copy your own assessments.")},
    )

    field_order = [
        "version",
        "period_start",
        "period_end",
        "team_leader",
        "team_members",
        "deaths_last_year",
        "copy_from",
    ]

    def __init__(self, *args, enterprise, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = StandardVersion.objects.filter(
            pk__in=[v.pk for v in versions]
        ).select_related("standard")
        self.fields["version"].label_from_instance = version_label
        self.fields["copy_from"].queryset = Assessment.objects.filter(
            enterprise=enterprise, kind=Assessment.Kind.SELF
        ).select_related("version__standard")
        self.fields["copy_from"].label_from_instance = lambda a: (
            _("%(standard)s, period %(start)s – %(end)s (%(status)s)")
            % {
                "standard": version_label(a.version),
                "start": a.period_start or "…",
                "end": a.period_end or "…",
                "status": a.get_status_display(),
            }
        )
        if len(versions) == 1:  # the only standard that fits: nothing to choose
            self.initial.setdefault("version", versions[0].pk)
        today = timezone.localdate()
        self.initial.setdefault("period_end", today)
        self.initial.setdefault("period_start", today - datetime.timedelta(days=364))


# What a small firm fills in to start; the rest has defaults and folds away.
START_FIELDS_SHORT = ("version", "period_start", "period_end", "team_leader")


class AssessmentTeamForm(BootstrapFormMixin, TeamFieldsMixin):
    pass


class RowForm(forms.Form):
    """One answer as htmx posts it. The deduction stays text here: the service
    parses it and says what is wrong with it."""

    result = forms.ChoiceField(
        choices=[("", "—"), *Result.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the answers.")},
    )
    deduction = forms.CharField(required=False, max_length=30)
    occurrences = forms.CharField(required=False, max_length=10)
    extra_condition = forms.BooleanField(required=False)
    na_reason = forms.CharField(required=False, max_length=2000)
    notes = forms.CharField(required=False, max_length=4000)
    revision = forms.IntegerField(min_value=0)
