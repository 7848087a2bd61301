"""Public verification pages (no login): what a QR code on a certificate
opens, a lookup by certificate number or USCC, and the public key.

Only public fields are shown (certification.certificates.signing.public_fields): never
contact data, scores or internal notes. The payload page runs two queries
(the certificate with its enterprise, industry and issuer; the check count).
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from certification.certificates import signing as verify
from certification.certificates.numbers import normalise_certificate_number
from portal.clients import client_ip


class LookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Certificate number"),
        # Room for the forms people type: full-width characters and spaces.
        max_length=60,
        required=False,
        help_text=gettext_lazy("As printed on the certificate; III or 3 will do for Ⅲ."),
    )
    uscc = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18, required=False
    )


def _row(certificate, today, signed=None) -> dict:
    return {
        "fields": verify.public_fields(certificate),
        "statement": verify.statement(certificate, today, signed=signed),
    }


@require_GET
@never_cache
def payload(request, payload: str):
    try:
        verified = verify.verify_payload(payload)
    except verify.PayloadError as error:
        return render(
            request,
            "verify/rejected.html",
            {"message": error.message, "code": error.code},
            status=400,
        )
    certificate = verified.certificate
    verify.record_check(certificate)
    today = timezone.localdate()
    return render(
        request,
        "verify/payload.html",
        {
            **_row(certificate, today, signed=verified),
            "signed": verified,
            "signed_tier": verify.tier_label(verified.tier),
            "today": today,
        },
    )


@require_GET
@never_cache
def lookup(request):
    form = LookupForm(request.GET or None)
    rows, searched, error, status, number = [], False, "", 200, ""
    if form.is_bound and form.is_valid():
        number = normalise_certificate_number(form.cleaned_data["number"])
        uscc = form.cleaned_data["uscc"]
        if number.strip() or uscc.strip():
            try:
                verify.count_lookup(client_ip(request))
            except verify.LookupThrottled as refused:
                error, status = refused.message, 429
            else:
                searched = True
                today = timezone.localdate()
                rows = [
                    _row(certificate, today)
                    for certificate in verify.lookup(number=number, uscc=uscc)
                ]
    return render(
        request,
        "verify/lookup.html",
        {
            "form": form,
            "rows": rows,
            "searched": searched,
            "error": error,
            # The number as looked up, shown when it differs from what was typed.
            "number": number,
        },
        status=status,
    )


@require_GET
def public_key(request):
    response = HttpResponse(verify.public_key_pem(), content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = 'inline; filename="public-key.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
