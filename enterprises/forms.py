from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from enterprises.models import ENTERPRISE_FIELDS, Enterprise
from enterprises.scale import scale_warning
from enterprises.uscc import normalise_uscc, uscc_errors
from portal.forms import BootstrapFormMixin
from portal.models import Industry, Organisation, Region, Street, User


def check_street_in_region(form: forms.Form, data: dict) -> None:
    street, region = data.get("street"), data.get("region")
    if street and region and street.region_id != region.pk:
        form.add_error("street", _("This street or town is not in the chosen district."))


def clean_uscc_value(value: str) -> str:
    code = normalise_uscc(value)
    errors = uscc_errors(code)
    if errors:
        raise forms.ValidationError(errors)
    return code


class StreetSelect(forms.Select):
    """Each street option names its district (data-region), so that
    static/portal/street-filter.js offers only the chosen district's streets."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        street = getattr(value, "instance", None)
        if street is not None:
            option["attrs"]["data-region"] = street.region_id
        return option


class RegistrationForm(BootstrapFormMixin, forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    region = forms.ModelChoiceField(
        label=_("District"),
        queryset=Region.objects.all(),
        error_messages={"invalid_choice": _("This district does not exist.")},
    )
    street = forms.ModelChoiceField(
        label=_("Street or town"),
        queryset=Street.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("This street or town does not exist.")},
        widget=StreetSelect(attrs={"data-follows": "region"}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    email = forms.EmailField(label=_("E-mail"))
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_uscc(self) -> str:
        return clean_uscc_value(self.cleaned_data["uscc"])

    def clean(self):
        data = super().clean()
        check_street_in_region(self, data)
        if data.get("password"):
            try:
                validate_password(data["password"], User(username=data.get("username", "")))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class EnterpriseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {"safety_licence_expires": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Organisation.objects.filter(kind="group")
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["street"].queryset = Street.objects.select_related("region")
        # A district edits only its own enterprises and cannot move them away.
        if user is not None and user.organisation.kind == "district":
            self.fields["region"].queryset = Region.objects.filter(pk=user.organisation.region_id)
            self.fields["street"].queryset = Street.objects.filter(
                region_id=user.organisation.region_id
            )

    scale_warning: str | None = None

    def clean_uscc(self) -> str:
        return clean_uscc_value(self.cleaned_data["uscc"])

    def clean(self):
        data = super().clean()
        check_street_in_region(self, data)
        industry = data.get("industry")
        # Shown beside the form and after saving; never a refusal.
        self.scale_warning = scale_warning(
            industry.pk if industry else None,
            data.get("annual_revenue"),
            data.get("employees"),
            data.get("scale") or "",
        )
        if industry and industry.requires_safety_licence and not data.get("safety_licence_no"):
            self.add_error(
                "safety_licence_no",
                _("%(industry)s enterprises need a safety licence number.")
                % {"industry": industry},
            )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DishonestyForm(BootstrapFormMixin, forms.Form):
    """The district's or city office's record of a dishonesty listing (失信名单)."""

    listed = forms.BooleanField(label=_("On a dishonesty list"), required=False)
    dishonesty_listed_on = forms.DateField(
        label=_("Listed since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dishonesty_source = forms.CharField(
        label=_("Which list (issuing authority)"), max_length=200, required=False
    )
    dishonesty_reason = forms.CharField(
        label=_("Reason for the listing"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("listed") and not data.get("dishonesty_listed_on"):
            self.add_error("dishonesty_listed_on", _("Enter the date of the listing."))
        return data
