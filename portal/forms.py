from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Industry, Organisation, OrganisationKind, Street, Tier, User
from portal.services import street_office_error


class BootstrapFormMixin:
    """Adds Bootstrap classes, and marks fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class OrganisationForm(BootstrapFormMixin, forms.ModelForm):
    qualifications = forms.MultipleChoiceField(
        label=_("Industries × tiers (organising and review units)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "status",
            "status_reason",
            "region",
            "street",
            "industries",
            "contact_name",
            "contact_phone",
        ]
        widgets = {"status_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.all()
        self.fields["street"].queryset = Street.objects.select_related("region")
        self.fields["street"].label_from_instance = lambda street: f"{street.region} · {street}"
        self.fields["street"].help_text = _("Street and town offices only.")
        self.fields["qualifications"].choices = [
            (f"{industry.pk}:{tier}", f"{industry} · {label}")
            for industry in Industry.objects.all()
            for tier, label in Tier.choices
        ]
        if self.instance.pk:
            self.initial["qualifications"] = [
                f"{industry}:{tier}"
                for industry, tier in self.instance.qualifications.values_list("industry", "tier")
            ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrganisationKind.DISTRICT and not data.get("region"):
            self.add_error("region", _("A district government needs its district."))
        if data.get("kind") == OrganisationKind.STREET and data.get("street"):
            data["region"] = data.get("region") or data["street"].region  # its seat
        error = street_office_error(
            kind=data.get("kind", ""),
            street=data.get("street"),
            region=data.get("region"),
            status=data.get("status", ""),
            pk=self.instance.pk,
        )
        if error is not None:
            self.add_error(error.field, error.message)
        return data

    def qualification_pairs(self) -> list[tuple[Industry, str]]:
        industries = {industry.pk: industry for industry in Industry.objects.all()}
        pairs = []
        for value in self.cleaned_data.get("qualifications", []):
            code, tier = value.split(":", 1)
            pairs.append((industries[code], tier))
        return pairs


class InviteForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices, initial=User.Role.STAFF)


class StaffUpdateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("activate", "activate"),
            ("deactivate", "deactivate"),
            ("make_admin", "make_admin"),
            ("make_staff", "make_staff"),
        ]
    )
