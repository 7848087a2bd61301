"""Forms of the application pages. They parse input only; every rule lives
in certification/applications/services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certification.models import Application, MaterialKind
from enterprises.models import Enterprise
from portal.forms import BootstrapFormMixin
from portal.models import Organisation, OrganisationKind
from reviews.models import Assessment, Reviewer

DECLARATION_FIELDS = ["deaths_last_year", "serious_injuries_last_year", "accidents_last_3_years"]


def _count_field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=32767, initial=0)


class ApplicationForm(BootstrapFormMixin, forms.Form):
    """A new application: which enterprise, from which self-assessment, for
    which tier, and the accident record as declared."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    assessment = forms.ModelChoiceField(
        label=_("Submitted self-assessment"), queryset=Assessment.objects.none()
    )
    tier = forms.ChoiceField(label=_("Grade applied for"), choices=Application.Tier.choices)
    deaths_last_year = _count_field(_("Deaths in production-safety accidents in the last year"))
    serious_injuries_last_year = _count_field(_("Serious injuries in the last year"))
    accidents_last_3_years = forms.CharField(
        label=_("Accidents in the last three years"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Date, kind and consequences of each; leave empty if there were none."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = user.organisation
        if org.kind == OrganisationKind.GROUP:
            enterprises = Enterprise.objects.filter(group_id=org.pk)
        else:
            enterprises = Enterprise.objects.filter(account_id=org.pk)
        enterprises = enterprises.order_by("name")
        self.fields["enterprise"].queryset = enterprises
        if org.kind != OrganisationKind.GROUP:
            self.fields["enterprise"].widget = forms.HiddenInput()
            first = enterprises.first()
            self.fields["enterprise"].initial = first.pk if first else None
        assessments = (
            Assessment.objects.filter(
                enterprise__in=enterprises,
                status=Assessment.Status.SUBMITTED,
                kind=Assessment.Kind.SELF,
            )
            .select_related("enterprise", "version__standard")
            .prefetch_related("version__thresholds")
            .order_by("enterprise__name", "-submitted_at")
        )
        self.fields["assessment"].queryset = assessments
        if len(assessments) == 1:
            self.fields["assessment"].initial = assessments[0].pk
        self.fields["assessment"].label_from_instance = self._assessment_label
        self.fields["assessment"].widget.attrs["data-testid"] = "assessment-select"
        # What each assessment's standard grades: the tier list follows the choice.
        self.tiers_by_assessment = {
            a.pk: sorted(t.grade for t in a.version.thresholds.all()) for a in assessments
        }
        offered = {t for tiers in self.tiers_by_assessment.values() for t in tiers}
        self.fields["tier"].choices = [
            (v, label) for v, label in Application.Tier.choices if v in offered
        ]

    @staticmethod
    def _assessment_label(assessment: Assessment) -> str:
        score = assessment.submitted_score
        return " · ".join(
            str(part)
            for part in (
                assessment.enterprise.name,
                assessment.version,
                _("score %(score)s") % {"score": score} if score is not None else "",
                assessment.submitted_at.date() if assessment.submitted_at else "",
            )
            if part
        )


class DeclarationForm(BootstrapFormMixin, forms.Form):
    deaths_last_year = _count_field(_("Deaths in production-safety accidents in the last year"))
    serious_injuries_last_year = _count_field(_("Serious injuries in the last year"))
    accidents_last_3_years = forms.CharField(
        label=_("Accidents in the last three years"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    declaration_confirmed = forms.BooleanField(
        label=_("I declare the accident record complete and true"), required=False
    )

    @classmethod
    def for_application(cls, application: Application) -> DeclarationForm:
        return cls(
            initial={
                name: getattr(application, name)
                for name in [*DECLARATION_FIELDS, "declaration_confirmed"]
            }
        )


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(choices=MaterialKind.choices)
    file = forms.FileField(error_messages={"required": _("Choose a file to upload.")})


class ActionForm(forms.Form):
    comment = forms.CharField(required=False, max_length=4000)
    national_result = forms.CharField(required=False, max_length=10)
    national_reference = forms.CharField(required=False, max_length=100)
    # request_rectification: the date the enterprise must rectify by.
    deadline = forms.DateField(required=False)


class AssignForm(forms.Form):
    """The review unit and team; the service checks qualification, status,
    conflicts of interest and the team."""

    unit = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a review unit."),
            "invalid_choice": _("Choose a review unit."),
        },
    )
    leader = forms.ModelChoiceField(
        label=pgettext_lazy("review team", "Team leader"),
        queryset=Reviewer.objects.all(),
        error_messages={"required": _("Choose the team leader.")},
    )
    members = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("review team", "Team members"),
        required=False,
        queryset=Reviewer.objects.all(),
    )
    comment = forms.CharField(label=_("Note"), required=False, max_length=4000)


class SignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=Reviewer.objects.all())
