"""Pages of listed supervision (挂牌督办): the list with the issuer's worklist,
listing a hazard, the listing with its progress reports, evaluations,
applications and reviews, the 督办通知书 PDF, and one POST per move.

Thin views: the listing is fetched through the user's scope (404 outside it);
the role is checked before the input (403); hazards/supervision/services.py
judges the rest (HazardConflict → 409, ServiceError → the form again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazards.errors import HazardConflict, HazardForbidden
from hazards.exporting import XLSX
from hazards.models import EvaluationFile, SupervisionListing
from hazards.supervision import pdf, rules, services
from hazards.supervision.exporting import export_listings
from hazards.supervision.forms import (
    ApplyForm,
    EvaluationForm,
    ListingForm,
    ProgressForm,
    ReviewForm,
)
from hazards.supervision.selectors import decorate, filter_listings, with_figures, worklist
from hazards.supervision.views import _major
from hazards.supervision.workflow import MOVES, VERDICT_MOVES
from hazards.views import _actor, can_use_ledger
from portal import permissions
from portal.errors import ServiceError
from portal.files import stored_file_response
from portal.models import OrganisationKind

PER_PAGE = 50
FILTERS = ("q", "status", "level", "mine", "review_due", "progress_overdue")
ISSUER_KINDS = (OrganisationKind.DISTRICT, OrganisationKind.CITY_OFFICE)


def _get_listing(request: HttpRequest, pk: int) -> SupervisionListing:
    permissions.require(can_use_ledger(request.user))
    return permissions.get_visible_or_404(
        SupervisionListing.objects.select_related(
            "hazard__enterprise", "hazard__major_basis__version__catalogue", "issuer"
        ),
        request.user,
        pk=pk,
    )


@login_required
@require_GET
def listing_list(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use_ledger(request.user))
    filters = {key: request.GET.get(key, "").strip() for key in FILTERS}
    qs = filter_listings(SupervisionListing.objects.visible_to(request.user), filters, request.user)
    page = Paginator(with_figures(qs), PER_PAGE).get_page(request.GET.get("page"))
    decorate(list(page.object_list))
    params = request.GET.copy()
    params.pop("page", None)
    issuer = permissions.acts_for(request.user, *ISSUER_KINDS)
    return render(
        request,
        "hazards/supervision/list.html",
        {
            "page": page,
            "rows": page.object_list,
            "filters": filters,
            "params": params.urlencode(),
            "statuses": SupervisionListing.Status.choices,
            "levels": SupervisionListing.Level.choices,
            "worklist": worklist(request.user) if issuer else None,
            "receiver": permissions.acts_for(
                request.user, OrganisationKind.DISTRICT, OrganisationKind.REGULATOR
            ),
        },
    )


@login_required
@require_GET
def listing_export(request: HttpRequest) -> FileResponse:
    """The list as filtered on its page (every page), as xlsx."""
    permissions.require(can_use_ledger(request.user))
    filters = {key: request.GET.get(key, "").strip() for key in FILTERS}
    qs = filter_listings(SupervisionListing.objects.visible_to(request.user), filters, request.user)
    filename = f"listed-supervision-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        export_listings(qs), as_attachment=True, filename=filename, content_type=XLSX
    )


@login_required
def listing_new(request: HttpRequest, pk: int) -> HttpResponse:
    """List a major hazard (the district of its region or the city office)."""
    hazard = _major(request, pk)
    user = _actor(request)
    permissions.require(rules.may_list(user, hazard))
    form = ListingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(actor=user, hazard=hazard, **form.cleaned_data)
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            form.add_error(None, error.message)
            status = 409
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Listed as %(number)s.") % {"number": listing.number})
            return redirect("hazards:supervision:detail", pk=listing.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request, "hazards/supervision/new.html", {"hazard": hazard, "form": form}, status=status
    )


def _render_detail(
    request: HttpRequest, listing: SupervisionListing, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _actor(request)
    filed = listing.progress_reports.count()
    applications = list(
        listing.close_applications.select_related("applied_by", "recorded_by").prefetch_related(
            "reviewers"
        )
    )
    may = {name: rules.can_move(user, listing, name) for name in MOVES if name != "list"}
    context = {
        "listing": listing,
        "hazard": listing.hazard,
        "progress": listing.progress_reports.select_related("created_by"),
        "evaluations": listing.evaluations.prefetch_related("files"),
        "applications": applications,
        "next_due": rules.next_progress_due(listing, filed),
        "progress_overdue": rules.progress_overdue(listing, filed),
        "today": timezone.localdate(),
        "may": may,
        "may_review": may["review_close"],
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "evaluation_form": forms.get("evaluation_form") or EvaluationForm(),
        "apply_form": forms.get("apply_form") or ApplyForm(),
        "review_form": forms.get("review_form") or ReviewForm(issuer_id=listing.issuer_id),
        "conflict": forms.get("conflict"),
    }
    return render(request, "hazards/supervision/detail.html", context, status=status)


@login_required
@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_listing(request, pk))


@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 督办通知书, for whoever sees the listing."""
    listing = _get_listing(request, pk)
    return pdf.pdf_response(pdf.notice_pdf(listing), f"督办通知书-{listing.number}.pdf")


def _act(
    request: HttpRequest,
    pk: int,
    move: str,
    form_name: str,
    form: Any,
    call: Callable[[Any, SupervisionListing], object],
    done: str,
) -> HttpResponse:
    """One move from its form: the role first (403), then the form and the service."""
    listing = _get_listing(request, pk)
    user = _actor(request)
    permissions.require(
        any(rules.acts_on_listing(user, listing, role) for role in MOVES[move].actors)
    )
    if form.is_valid():
        try:
            call(form.cleaned_data, listing)
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_detail(
                request, _get_listing(request, pk), status=409, conflict=error.message
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, done)
            return redirect("hazards:supervision:detail", pk=listing.pk)
    return _render_detail(request, _get_listing(request, pk), status=400, **{form_name: form})


@login_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "report_progress",
        "progress_form",
        ProgressForm(request.POST),
        lambda data, listing: services.progress_report(
            actor=_actor(request), listing=listing, text=data["text"]
        ),
        _("Progress reported."),
    )


@login_required
@require_POST
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    def record(data: dict[str, Any], listing: SupervisionListing) -> object:
        data = dict(data)
        upload = data.pop("file")
        return services.evaluation_record(
            actor=_actor(request), listing=listing, files=[upload], **data
        )

    return _act(
        request,
        pk,
        "evaluate",
        "evaluation_form",
        EvaluationForm(request.POST, request.FILES),
        record,
        _("Evaluation recorded."),
    )


@login_required
@require_POST
def close_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "apply_close",
        "apply_form",
        ApplyForm(request.POST),
        lambda data, listing: services.close_apply(
            actor=_actor(request), listing=listing, text=data["text"]
        ),
        _("Application to close submitted."),
    )


@login_required
@require_POST
def close_review(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _get_listing(request, pk)
    move = VERDICT_MOVES.get(request.POST.get("verdict", ""), "review_close")
    return _act(
        request,
        pk,
        move,
        "review_form",
        ReviewForm(request.POST, issuer_id=listing.issuer_id),
        lambda data, listing: services.close_review(actor=_actor(request), listing=listing, **data),
        _("On-site review recorded."),
    )


@login_required
@require_GET
def evaluation_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """An evaluation report, for whoever sees the listing; never from MEDIA_URL."""
    listing = _get_listing(request, pk)
    stored = get_object_or_404(EvaluationFile, pk=file_id, evaluation__listing=listing)
    return stored_file_response(
        stored.file, filename=stored.original_name, content_type=stored.content_type
    )
