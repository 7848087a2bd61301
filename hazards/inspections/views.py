"""Inspection record pages: the list with the counts by kind for a period,
starting an inspection from a plan, the checklist page (phone-friendly: one card
per item grouped by element, "only unanswered", a photo from the camera), the
participants' confirmation, the completion and the photos.

Thin views: parse → fetch through the scope (404 outside it) → call
hazards.inspections.services (HazardForbidden → 403, HazardConflict → 409,
ServiceError → the page again with the message) → render.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from hazards.errors import HazardConflict, HazardForbidden
from hazards.exporting import XLSX
from hazards.inspections import services
from hazards.inspections.exporting import export_records
from hazards.inspections.forms import ResultForm, StartForm
from hazards.inspections.plan_views import can_use, get_plan
from hazards.inspections.selectors import counts, manageable_enterprises, may_manage
from hazards.models import (
    Hazard,
    InspectionKind,
    InspectionParticipant,
    InspectionPhoto,
    InspectionRecord,
    InspectionResult,
)
from portal import permissions
from portal.errors import ServiceError
from portal.files import stored_file_response
from portal.models import OrganisationKind, User

PER_PAGE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filter_records(qs: QuerySet[InspectionRecord], filters: dict[str, Any]) -> QuerySet[Any]:
    """The list's filters, shared by the page and the API."""
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("principal_led"):
        qs = qs.filter(principal_led=True)
    if filters.get("plan"):
        qs = qs.filter(plan_id=filters["plan"])
    if filters.get("start"):
        qs = qs.filter(inspected_on__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(inspected_on__lte=filters["end"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(plan__title__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def _listed(request: HttpRequest) -> tuple[dict[str, Any], QuerySet[InspectionRecord]]:
    """The page's filters and the records in scope (the page and its export)."""
    today = timezone.localdate()
    start = _day(request.GET.get("start", "")) or today.replace(month=1, day=1)
    end = _day(request.GET.get("end", ""))
    filters: dict[str, Any] = {
        "status": request.GET.get("status", "")
        if request.GET.get("status") in InspectionRecord.Status.values
        else "",
        "kind": request.GET.get("kind", "")
        if request.GET.get("kind") in InspectionKind.values
        else "",
        "principal_led": request.GET.get("principal_led") == "1",
        "q": request.GET.get("q", "").strip()[:100],
        "start": start,
        "end": end,
    }
    return filters, InspectionRecord.objects.visible_to(request.user)


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use(request.user))
    filters, scoped = _listed(request)
    start, end = filters["start"], filters["end"]
    qs = filter_records(scoped, filters).select_related("plan", "enterprise", "leader")
    qs = qs.annotate(hazard_count=Count("results", filter=Q(results__outcome="hazard"))).order_by(
        "-inspected_on", "-pk"
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    org = _actor(request).organisation
    return render(
        request,
        "hazards/inspections/record_list.html",
        {
            "page": page,
            "params": params.urlencode(),
            "filters": filters,
            "figures": counts(scoped, start=start, end=end),
            "kinds": InspectionKind.choices,
            "statuses": InspectionRecord.Status.choices,
            "show_enterprise": org is not None and org.kind != OrganisationKind.ENTERPRISE,
            "can_plan": manageable_enterprises(request.user).exists(),
        },
    )


@login_required
@require_GET
def record_export(request: HttpRequest) -> FileResponse:
    """The list as filtered on its page (every page), as xlsx."""
    permissions.require(can_use(request.user))
    filters, scoped = _listed(request)
    filename = f"inspections-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        export_records(filter_records(scoped, filters)),
        as_attachment=True,
        filename=filename,
        content_type=XLSX,
    )


@login_required
def record_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an inspection from the plan."""
    plan = get_plan(request, pk)
    permissions.require(may_manage(request.user, plan.enterprise))
    form = StartForm(request.POST or None, enterprise=plan.enterprise)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_start(actor=_actor(request), plan=plan, **form.cleaned_data)
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except HazardConflict as error:
            form.add_error(None, error.message)
            status = 409
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Inspection started: answer each item of the checklist."))
            return redirect("hazards:inspections:record", pk=record.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "hazards/inspections/record_new.html",
        {"form": form, "plan": plan},
        status=status,
    )


# --- the checklist page ---------------------------------------------------------------


def get_record(request: HttpRequest, pk: int) -> InspectionRecord:
    permissions.require(can_use(request.user))
    return permissions.get_visible_or_404(
        InspectionRecord.objects.select_related("plan", "enterprise", "leader"),
        request.user,
        pk=pk,
    )


def _group_of(result: InspectionResult) -> tuple[str, str]:
    """The heading an item is listed under: its A element, or its catalogue group."""
    if result.criterion is not None:
        element = result.criterion.a_element
        return f"e{element.pk}", f"{element.code} {element.name}"
    assert result.catalogue_item is not None
    item = result.catalogue_item
    label = f"{item.group} · {item.section}" if item.section else item.group
    return f"g{label}", label


def _annotate(result: InspectionResult, posted: Any) -> None:
    """What the item's card shows: its code and text, and the values of its form
    (those just posted when they were refused)."""
    if result.criterion is not None:
        result.code, result.text = result.criterion.code, result.criterion.requirement  # type: ignore[attr-defined]
    else:
        assert result.catalogue_item is not None
        result.code, result.text = result.catalogue_item.code, result.catalogue_item.text  # type: ignore[attr-defined]
    if posted:
        shown = {
            name: posted.get(name, "")
            for name in ("outcome", "note", "location", "category", "deadline")
        }
    else:
        shown = {
            "outcome": result.outcome,
            "note": result.note,
            "location": result.location,
            "category": result.category,
            "deadline": result.deadline.isoformat() if result.deadline else "",
        }
    result.shown = shown  # type: ignore[attr-defined]


def _render_record(
    request: HttpRequest, record: InspectionRecord, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = _actor(request)
    results = list(
        record.results.select_related(
            "criterion__a_element", "catalogue_item", "hazard"
        ).prefetch_related(Prefetch("photos", queryset=InspectionPhoto.objects.order_by("pk")))
    )
    answered = sum(1 for r in results if r.outcome)
    error = extra.get("error") or {}
    for result in results:
        _annotate(result, error.get("data") if error.get("result") == result.pk else None)
    unanswered_only = request.GET.get("unanswered") == "1"
    groups: dict[str, dict[str, Any]] = {}
    for result in results:
        if unanswered_only and result.outcome:
            continue
        identity, label = _group_of(result)
        # The anchor is the section's place on the page: labels make poor ids.
        group = groups.setdefault(
            identity, {"key": f"section-{len(groups) + 1}", "label": label, "items": []}
        )
        group["items"].append(result)
    participants = list(record.participants.select_related("user"))
    mine = next((p for p in participants if p.user_id == user.pk), None)
    draft = record.status == InspectionRecord.Status.DRAFT
    context = {
        "record": record,
        "groups": list(groups.values()),
        "total": len(results),
        "answered": answered,
        "hazards": sum(1 for r in results if r.outcome == InspectionResult.Outcome.HAZARD),
        "unanswered_only": unanswered_only,
        "participants": participants,
        "may_confirm": draft and mine is not None and mine.confirmed_at is None,
        "may_write": draft and may_manage(user, record.enterprise),
        "outcomes": InspectionResult.Outcome.choices,
        "categories": Hazard.Category.choices,
        "error": None,
        "completion_error": None,
        **extra,
    }
    return render(request, "hazards/inspections/record_detail.html", context, status=status)


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_record(request, get_record(request, pk))


def _back(record: InspectionRecord, request: HttpRequest, anchor: str = "") -> HttpResponse:
    url = reverse("hazards:inspections:record", args=[record.pk])
    if request.POST.get("unanswered") == "1":
        url += "?unanswered=1"
    return redirect(url + anchor)


@login_required
@require_POST
def result_save(request: HttpRequest, pk: int, result_id: int) -> HttpResponse:
    record = get_record(request, pk)
    result = get_object_or_404(InspectionResult, pk=result_id, record=record)
    permissions.require(may_manage(request.user, record.enterprise))
    form = ResultForm(request.POST, request.FILES)
    message = ""
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label or name if name in form.fields else ""
        message = f"{label}: {errors[0]}" if label else str(errors[0])
    else:
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        try:
            with transaction.atomic():  # the photo refused: the answer is not kept either
                services.result_save(actor=_actor(request), result=result, **data)
                if photo:
                    services.photo_add(actor=_actor(request), result=result, upload=photo)
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_record(
                request, get_record(request, pk), status=409, conflict=error.message
            )
        except ServiceError as error:
            message = error.message
        else:
            return _back(record, request, f"#item-{result.pk}")
    return _render_record(
        request,
        get_record(request, pk),
        status=400,
        error={"result": result.pk, "message": message, "data": request.POST},
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record(request, pk)
    permissions.require(
        InspectionParticipant.objects.filter(record=record, user=_actor(request)).exists()
    )
    try:
        services.participation_confirm(actor=_actor(request), record=record)
    except HazardForbidden:
        raise PermissionDenied from None
    except HazardConflict as error:
        return _render_record(request, get_record(request, pk), status=409, conflict=error.message)
    messages.success(request, _("Your participation is confirmed."))
    return _back(record, request, "#participants")


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_record(request, pk)
    permissions.require(may_manage(request.user, record.enterprise))
    try:
        services.record_complete(actor=_actor(request), record=record)
    except HazardForbidden:
        raise PermissionDenied from None
    except HazardConflict as error:
        return _render_record(request, get_record(request, pk), status=409, conflict=error.message)
    except services.ResultRefused as error:
        return _render_record(
            request,
            record,
            status=400,
            completion_error=error.message,
            error={"result": error.result_id, "message": error.message, "data": {}},
        )
    except ServiceError as error:
        return _render_record(request, record, status=400, completion_error=error.message)
    opened = record.results.filter(hazard__isnull=False).count()
    messages.success(
        request,
        ngettext(
            "Inspection completed; %(n)d hazard entered in the ledger.",
            "Inspection completed; %(n)d hazards entered in the ledger.",
            opened,
        )
        % {"n": opened},
    )
    return redirect("hazards:inspections:record", pk=record.pk)


@login_required
@require_GET
def photo_download(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """For whoever sees the record; never served from MEDIA_URL."""
    record = get_record(request, pk)
    photo = get_object_or_404(InspectionPhoto, pk=photo_id, record=record)
    return stored_file_response(
        photo.file, filename=photo.original_name, content_type=photo.content_type
    )
