"""Public pages (no login): the publicity batches, where anyone may object
while a window is open, and the announcements with their certificates.

Only what is public anyway: enterprise, grade, industry, district, the
window, certificate numbers and validity. Never contact data, scores or
objections. Each page runs a fixed number of queries.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import (
    AnnouncementBatch,
    Certificate,
    CertificateEvent,
    PublicityBatch,
    PublicityItem,
)
from certification.public.objection_input import clean_contact, objection_reference
from certification.publicity import objections
from certification.publicity import rules as publicity
from certification.selectors import rows_pointing_at
from certification.workflow import tier_label
from portal.clients import client_ip
from portal.errors import ServiceError

PER_PAGE = 20


class ObjectionForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"),
        queryset=PublicityItem.objects.none(),
        empty_label=gettext_lazy("Choose the enterprise…"),
    )
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    contact = forms.CharField(
        label=gettext_lazy("Phone or e-mail"),
        max_length=100,
        help_text=gettext_lazy(
            "Only the publishing organisation sees it, to reach you about the objection."
        ),
    )
    text = forms.CharField(label=gettext_lazy("Objection"), widget=forms.Textarea, max_length=2000)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: item.application.enterprise.name

    def clean_contact(self) -> str:
        return clean_contact(self.cleaned_data["contact"])


def _published():
    """Batches once their window has started (a future one stays private)."""
    return PublicityBatch.objects.filter(starts_on__lte=timezone.localdate())


def publicity_list(request):
    today = timezone.localdate()
    batches = (
        _published()
        .select_related("organiser")
        .annotate(listed=Count("items", filter=Q(items__removed_at__isnull=True)))
        .order_by("-starts_on", "-id")
    )
    current = list(batches.filter(ends_on__gte=today))
    page = Paginator(batches.filter(ends_on__lt=today), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "public/publicity_list.html", {"current": current, "page": page, "today": today}
    )


def publicity_detail(request, pk: int):
    batch = get_object_or_404(_published().select_related("organiser"), pk=pk)
    today = timezone.localdate()
    is_open = publicity.window_open(batch, today)
    items = (
        PublicityItem.objects.filter(batch=batch, removed_at__isnull=True)
        .select_related("application__enterprise__region", "application__industry")
        .order_by("application__enterprise__name", "pk")
    )
    form, status = None, 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, items=items)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = objections.objection_lodge(
                    item=data["item"],
                    name=data["name"],
                    contact=data["contact"],
                    text=data["text"],
                    ip=client_ip(request),
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your objection was received under the reference "
                        "%(reference)s. Quote it if you contact the publishing "
                        "organisation, which will look into it and may contact you."
                    )
                    % {"reference": objection_reference(objection)},
                )
                return redirect("public:publicity_detail", pk=batch.pk)
        status = 400
    elif is_open:
        form = ObjectionForm(items=items)
    rows = list(items)
    for item in rows:
        item.tier_label = tier_label(item.tier)
    return render(
        request,
        "public/publicity_detail.html",
        {
            "batch": batch,
            "items": rows,
            "is_open": is_open,
            "form": form,
            "today": today,
        },
        status=status,
    )


def announcement_list(request):
    announcements = (
        AnnouncementBatch.objects.select_related("organiser")
        # A revocation announcement lists revoked certificates
        # (CertificateEvent.announcement, certification/lifecycle/rules.py).
        .annotate(
            certificate_count=rows_pointing_at(Certificate, "announcement"),
            revoked_count=rows_pointing_at(CertificateEvent, "announcement"),
        )
        .order_by("-announced_on", "-id")
    )
    page = Paginator(announcements, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "public/announcement_list.html", {"page": page})


def announcement_detail(request, pk: int):
    announcement = get_object_or_404(AnnouncementBatch.objects.select_related("organiser"), pk=pk)
    if announcement.kind == AnnouncementBatch.Kind.REVOCATION:
        # A revocation announcement lists the grades it withdrew, with the reason code
        # (the free-text note stays internal).
        events = (
            CertificateEvent.objects.filter(
                announcement=announcement, action=CertificateEvent.Action.REVOKED
            )
            .select_related("certificate__enterprise__region", "certificate__industry")
            .order_by("certificate__number")
        )
        certificates = []
        for event in events:
            event.certificate.revocation_reason = event.get_reason_display()
            certificates.append(event.certificate)
    else:
        certificates = list(
            announcement.certificates.select_related("enterprise__region", "industry").order_by(
                "number"
            )
        )
    for certificate in certificates:
        certificate.tier_label = tier_label(certificate.tier)
    return render(
        request,
        "public/announcement_detail.html",
        {"announcement": announcement, "certificates": certificates},
    )
