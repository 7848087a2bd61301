"""Pages of government inspections and tip-offs.

Inspections: whoever sees the enterprise reads its inspections and orders (outside
the scope 404); the offices record them; the issuing office reviews them. Tip-offs:
the receiving office only; anyone else gets 404 for a tip-off, whatever their role.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards.enforcement import exporting, selectors, services
from hazards.enforcement.forms import (
    ConfirmForm,
    DismissForm,
    InspectionForm,
    ReviewForm,
    TipOffForm,
    item_forms,
)
from hazards.errors import HazardConflict, HazardForbidden
from hazards.exporting import XLSX
from hazards.models import GovernmentInspection, Hazard, TipOff
from hazards.views import can_use_ledger
from portal import permissions
from portal.errors import ServiceError
from portal.models import User

PER_PAGE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(request: HttpRequest, qs: QuerySet[Any]) -> tuple[Any, str]:
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), params.urlencode()


def _choose_enterprise(request: HttpRequest, title: str) -> Enterprise | HttpResponse:
    """The enterprise chosen (?enterprise=<id>) among those in the office's scope, or
    the page to choose it."""
    choices = enterprises_visible_to(request.user, Enterprise.objects.all())
    chosen = request.POST.get("enterprise") or request.GET.get("enterprise", "")
    enterprise = choices.filter(pk=chosen).first() if chosen.isdigit() else None
    if enterprise is not None:
        return enterprise
    q = request.GET.get("q", "").strip()[:100]
    found = choices.filter(Q(name__icontains=q) | Q(uscc__icontains=q)) if q else choices
    return render(
        request,
        "hazards/enforcement/choose_enterprise.html",
        {"enterprises": found.order_by("name")[:20], "q": q, "title": title},
    )


# --- inspections ------------------------------------------------------------------


def _inspections_listed(
    request: HttpRequest,
) -> tuple[dict[str, str], bool, bool, QuerySet[GovernmentInspection]]:
    """The list's filters and its orders (the page and its export)."""
    user = _actor(request)
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("q", "status")}
    overdue, mine = request.GET.get("overdue") == "1", request.GET.get("mine") == "1"
    qs = selectors.filter_inspections(
        GovernmentInspection.objects.visible_to(user),
        q=filters["q"],
        status=filters["status"] if filters["status"] in GovernmentInspection.Status else "",
        overdue=overdue,
        office=user.organisation_id if mine else None,
    )
    return filters, overdue, mine, qs


@login_required
@require_GET
def inspection_export(request: HttpRequest) -> FileResponse:
    """The list as filtered on its page (every page), as xlsx."""
    permissions.require(can_use_ledger(request.user))
    _filters, _overdue, _mine, qs = _inspections_listed(request)
    filename = f"government-inspections-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        exporting.export_inspections(qs), as_attachment=True, filename=filename, content_type=XLSX
    )


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    """The orders in the user's scope; ``?overdue=1&mine=1`` is the office's worklist
    of orders past their deadline and not yet closed by a review."""
    permissions.require(can_use_ledger(request.user))
    user = _actor(request)
    filters, overdue, mine, qs = _inspections_listed(request)
    qs = selectors.with_counts(qs.select_related("enterprise", "organisation"))
    page, params = _page(request, qs)
    return render(
        request,
        "hazards/enforcement/inspection_list.html",
        {
            "page": page,
            "params": params,
            "filters": filters,
            "overdue": overdue,
            "mine": mine,
            "today": timezone.localdate(),
            "statuses": GovernmentInspection.Status.choices,
            "may_inspect": services.is_office(user),
        },
    )


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    permissions.require(services.is_office(user))
    chosen = _choose_enterprise(request, _("Record a government inspection"))
    if isinstance(chosen, HttpResponse):
        return chosen
    enterprise = chosen
    data = request.POST if request.method == "POST" else None
    form = InspectionForm(data)
    rows = item_forms(data, enterprise)
    if data is not None and form.is_valid() & all([row.is_valid() for row in rows]):
        items = [row.item() for row in rows if not row.is_blank()]
        try:
            inspection = services.inspection_record(
                actor=user, enterprise=enterprise, items=items, **form.cleaned_data
            )
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Order %(number)s recorded with %(count)d items.")
                % {"number": inspection.order_number, "count": len(items)},
            )
            return redirect("hazards:enforcement:inspection", pk=inspection.pk)
    return render(
        request,
        "hazards/enforcement/inspection_new.html",
        {"form": form, "rows": rows, "enterprise": enterprise},
        status=400 if data is not None else 200,
    )


def _get_inspection(request: HttpRequest, pk: int) -> GovernmentInspection:
    permissions.require(can_use_ledger(request.user))
    return permissions.get_visible_or_404(
        GovernmentInspection.objects.select_related(
            "enterprise", "organisation", "created_by", "reviewed_by"
        ),
        request.user,
        pk=pk,
    )


def _render_inspection(
    request: HttpRequest,
    inspection: GovernmentInspection,
    *,
    form: ReviewForm | None = None,
    status: int = 200,
    conflict: str = "",
) -> HttpResponse:
    rows = list(
        Hazard.objects.filter(order_item__inspection=inspection)
        .select_related("major_basis")
        .order_by("order_item__pk")
    )
    may_review = (
        services.may_review(_actor(request), inspection)
        and inspection.status == GovernmentInspection.Status.ORDERED
    )
    awaiting = [row for row in rows if row.status == Hazard.Status.AWAITING_ACCEPTANCE]
    return render(
        request,
        "hazards/enforcement/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "today": timezone.localdate(),
            "overdue": inspection.status == GovernmentInspection.Status.ORDERED
            and inspection.order_deadline < timezone.localdate(),
            "may_review": may_review,
            "form": form or ReviewForm(awaiting=awaiting),
            "conflict": conflict,
        },
        status=status,
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_inspection(request, _get_inspection(request, pk))


@login_required
@require_POST
def inspection_review(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get_inspection(request, pk)
    user = _actor(request)
    permissions.require(services.may_review(user, inspection))
    awaiting = list(
        Hazard.objects.filter(
            order_item__inspection=inspection, status=Hazard.Status.AWAITING_ACCEPTANCE
        )
    )
    form = ReviewForm(request.POST, awaiting=awaiting)
    if form.is_valid():
        try:
            services.order_review(actor=user, inspection=inspection, **form.cleaned_data)
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_inspection(request, inspection, status=409, conflict=error.message)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Follow-up review recorded."))
            return redirect("hazards:enforcement:inspection", pk=inspection.pk)
    return _render_inspection(request, inspection, form=form, status=400)


# --- tip-offs --------------------------------------------------------------------------


def _tip_offs_listed(request: HttpRequest) -> tuple[dict[str, str], QuerySet[TipOff]]:
    filters = {key: request.GET.get(key, "").strip()[:100] for key in ("q", "status")}
    qs = selectors.filter_tip_offs(
        TipOff.objects.visible_to(request.user).select_related("enterprise", "hazard"),
        q=filters["q"],
        status=filters["status"] if filters["status"] in TipOff.Status else "",
    )
    return filters, qs


@login_required
@require_GET
def tip_off_export(request: HttpRequest) -> FileResponse:
    """The office's own tip-offs as filtered on the page, with their reporters."""
    user = _actor(request)
    permissions.require(services.is_office(user))
    _filters, qs = _tip_offs_listed(request)
    filename = f"tip-offs-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        exporting.export_tip_offs(qs, user.organisation_id),
        as_attachment=True,
        filename=filename,
        content_type=XLSX,
    )


@login_required
@require_GET
def tip_off_list(request: HttpRequest) -> HttpResponse:
    """The tip-offs the user's office received (only offices receive them)."""
    user = _actor(request)
    permissions.require(services.is_office(user))
    filters, qs = _tip_offs_listed(request)
    page, params = _page(request, qs)
    return render(
        request,
        "hazards/enforcement/tip_off_list.html",
        {"page": page, "params": params, "filters": filters, "statuses": TipOff.Status.choices},
    )


@login_required
def tip_off_new(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    permissions.require(services.is_office(user))
    chosen = _choose_enterprise(request, _("Record a tip-off"))
    if isinstance(chosen, HttpResponse):
        return chosen
    form = TipOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            tip_off = services.tip_off_receive(actor=user, enterprise=chosen, **form.cleaned_data)
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Tip-off recorded."))
            return redirect("hazards:enforcement:tip_off", pk=tip_off.pk)
    return render(
        request,
        "hazards/enforcement/tip_off_new.html",
        {"form": form, "enterprise": chosen},
        status=400 if form.is_bound else 200,
    )


def _get_tip_off(request: HttpRequest, pk: int) -> TipOff:
    """The receiving office's users only: 404 for anyone else, whatever the role."""
    return permissions.get_visible_or_404(
        TipOff.objects.select_related("enterprise", "hazard", "created_by"), request.user, pk=pk
    )


def _render_tip_off(request: HttpRequest, tip_off: TipOff, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "tip_off": tip_off,
        "open": tip_off.status == TipOff.Status.RECEIVED,
        "confirm_form": ConfirmForm(enterprise=tip_off.enterprise),
        "dismiss_form": DismissForm(),
        "conflict": "",
        **extra,
    }
    return render(request, "hazards/enforcement/tip_off_detail.html", context, status=status)


@login_required
@require_GET
def tip_off_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_tip_off(request, _get_tip_off(request, pk))


@login_required
@require_POST
def tip_off_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    tip_off = _get_tip_off(request, pk)
    form = ConfirmForm(request.POST, enterprise=tip_off.enterprise)
    if form.is_valid():
        try:
            services.tip_off_confirm(
                actor=_actor(request),
                tip_off=tip_off,
                outcome=form.cleaned_data.get("outcome", ""),
                **form.record_fields(),
            )
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_tip_off(request, tip_off, status=409, conflict=error.message)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Tip-off confirmed: the hazard is in the ledger."))
            return redirect("hazards:enforcement:tip_off", pk=tip_off.pk)
    return _render_tip_off(request, tip_off, confirm_form=form, status=400)


@login_required
@require_POST
def tip_off_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    tip_off = _get_tip_off(request, pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.tip_off_dismiss(
                actor=_actor(request), tip_off=tip_off, outcome=form.cleaned_data["outcome"]
            )
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_tip_off(request, tip_off, status=409, conflict=error.message)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tip-off marked as not confirmed."))
            return redirect("hazards:enforcement:tip_off", pk=tip_off.pk)
    return _render_tip_off(request, tip_off, dismiss_form=form, status=400)
