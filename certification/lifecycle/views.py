"""Pages of certification/lifecycle/rules.py (under /applications/certificates/).

- the certificate page: status, grade, validity, history, annual
  self-assessments; the grading authority's forms (keep, suspend,
  reinstate, revoke). Whoever sees the certificate
  (publicity.certificates_visible_to) sees the page; outside: 404.
- the certificate list with filters (status, flagged, annual overdue,
  expiring): districts, organising units and the city office, and the
  enterprises and groups for their own certificates with the PDF and plaque;
  the warning list of overdue annual self-assessments: the overseers only;
  anyone else 403.

Thin views: the rules are in certification/lifecycle/rules.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certification import selectors, validity
from certification.certificates.views import download_scope
from certification.engine import TransitionConflict, TransitionForbidden
from certification.lifecycle import annual
from certification.lifecycle import rules as lifecycle
from certification.lifecycle import selectors as lifecycle_selectors
from certification.lifecycle.list_html import certificate_rows_html, list_rows
from certification.models import AnnualSelfAssessment, Certificate, RevocationReason
from certification.workflow import tier_label
from enterprises.accidents import pending_fatal
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind, Region
from portal.paging import CappedPaginator

PER_PAGE = 50

ACTION_LABELS = {
    "keep": gettext_lazy("Keep: close the revocation review"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
    "revoke": gettext_lazy("Revoke"),
}


class LifecycleForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"), required=False, choices=[("", "—"), *RevocationReason.choices]
    )
    note = forms.CharField(
        label=gettext_lazy("Explanation (the enterprise sees it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


def _certificates(user):
    return selectors.certificates_visible_to(user).select_related(
        "enterprise__region", "industry", "announcement__organiser", "application"
    )


def _get(request, pk: int) -> Certificate:
    try:
        return _certificates(request.user).get(pk=pk)
    except Certificate.DoesNotExist:
        raise Http404 from None


def _render(request, certificate: Certificate, *, status: int = 200, error=None, form_data=None):
    user = request.user
    certificate.tier_label = tier_label(certificate.tier)
    events = list(certificate.events.select_related("actor", "announcement"))
    for event in events:
        event.from_tier_label = tier_label(event.from_tier) if event.from_tier else ""
        event.to_tier_label = tier_label(event.to_tier) if event.to_tier else ""
    open_actions = lifecycle.actions_open(user, certificate)
    return render(
        request,
        "certification/lifecycle/certificate.html",
        {
            "certificate": certificate,
            "events": events,
            "annual": list(certificate.annual_assessments.select_related("accident")),
            # Fatal accidents still grounding a revocation (no 事故认定 clears them).
            "pending_fatal": pending_fatal(certificate.enterprise_id, certificate.valid_from)
            if certificate.review_flagged_at is not None
            else [],
            "actions": [(name, ACTION_LABELS[name]) for name in open_actions],
            "reasons": RevocationReason.choices,
            "in_window": validity.in_renewal_window(certificate),
            "renewal_opens_on": validity.renewal_opens_on(certificate),
            "today": timezone.localdate(),
            "error": error,
            "form_data": form_data or {},
            "is_authority": lifecycle.is_authority(user, certificate),
            "may_download": download_scope(user).filter(pk=certificate.pk).exists(),
        },
        status=status,
    )


@login_required
def certificate_detail(request, pk: int):
    return _render(request, _get(request, pk))


@login_required
@require_POST
def annual_acknowledge(request, pk: int, row_id: int):
    """The grading authority acknowledges a delivered self-assessment."""
    certificate = _get(request, pk)
    row = get_object_or_404(AnnualSelfAssessment, pk=row_id, certificate=certificate)
    permissions.require(lifecycle.is_authority(request.user, certificate))
    try:
        annual.annual_acknowledge(actor=request.user, row=row)
    except TransitionConflict as error:
        return _render(
            request,
            _get(request, pk),
            status=409,
            error={"action": "annual", "message": error.message},
        )
    messages.success(request, _("The self-assessment was acknowledged."))
    return redirect("certification:lifecycle_certificate", pk=certificate.pk)


@login_required
@require_POST
def certificate_act(request, pk: int, action: str):
    certificate = _get(request, pk)
    change = lifecycle.ACTIONS.get(action)
    if change is None:
        raise Http404
    permissions.require(lifecycle.is_authority(request.user, certificate))
    form = LifecycleForm(request.POST)
    form.is_valid()  # the service judges the values
    data = {
        "reason": form.cleaned_data.get("reason", ""),
        "note": form.cleaned_data.get("note", ""),
    }
    try:
        change(actor=request.user, certificate=certificate, **data)
    except TransitionForbidden:
        raise PermissionDenied from None
    except TransitionConflict as error:
        return _render(
            request,
            _get(request, pk),
            status=409,
            error={"action": action, "message": error.message},
        )
    except ServiceError as error:
        return _render(
            request,
            _get(request, pk),
            status=400,
            error={"action": action, "message": error.message},
            form_data=data,
        )
    messages.success(request, _("%(action)s: done.") % {"action": ACTION_LABELS[action]})
    return redirect("certification:lifecycle_certificate", pk=certificate.pk)


def _require_overseer(user) -> None:
    permissions.require(lifecycle.oversees(user))


def _holds_certificates(user) -> bool:
    """Enterprises and groups: their own certificates (the registry scope)."""
    return bool(
        getattr(user, "can_act", False)
        and user.organisation.kind in (OrganisationKind.ENTERPRISE, OrganisationKind.GROUP)
    )


@login_required
def certificate_list(request):
    overseer = lifecycle.oversees(request.user)
    permissions.require(overseer or _holds_certificates(request.user))
    params = request.GET
    filters = {
        "status": params.get("status", ""),
        # The revocation-review flag is the authority's working mark.
        "flagged": overseer and params.get("flagged") == "1",
        "overdue": params.get("overdue") == "1",
        "expiring": params.get("expiring") == "1",
    }
    qs = lifecycle_selectors.filter_certificates(
        list_rows(selectors.certificates_visible_to(request.user)), **filters
    ).order_by("valid_until", "number")
    page = CappedPaginator(qs, PER_PAGE).get_page(params.get("page"))
    downloadable = set(
        download_scope(request.user)
        .filter(pk__in=[c.pk for c in page], rendered_at__isnull=False)
        .values_list("pk", flat=True)
    )
    for certificate in page:
        certificate.tier_label = tier_label(certificate.tier)
        certificate.downloadable = certificate.pk in downloadable
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "certification/lifecycle/list.html",
        {
            "page": page,
            "rows_html": certificate_rows_html(
                page, overseer=overseer, regions=Region.objects.all()
            ),
            "filters": filters,
            "statuses": Certificate.Status.choices,
            "params": query.urlencode(),
            "today": timezone.localdate(),
            "overseer": overseer,
        },
    )


@login_required
def warning_list(request):
    _require_overseer(request.user)
    qs = lifecycle_selectors.overdue_annual_visible_to(request.user)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "certification/lifecycle/warnings.html", {"page": page})
