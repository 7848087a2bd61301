"""Ledger pages: the list with filters, recording a hazard (phone-friendly, with a
photo from the camera), the detail with its timeline and photos, one POST per
move, the deadline extension and the photos.

Thin views: parse → fetch through the user's scope (404 outside it) → call
hazards/services.py (HazardForbidden → 403, HazardConflict → 409, ServiceError →
the form again with the message) → render. The moves offered come from
hazards/workflow.py, filtered by services.can_perform.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from hazards import services
from hazards.errors import HazardConflict, HazardForbidden
from hazards.exporting import XLSX, export_hazards
from hazards.forms import MOVE_FIELDS, ExtendForm, HazardForm, MoveForm, PhotoForm
from hazards.ledger_html import hazard_rows_html
from hazards.models import Hazard, HazardPhoto, SupervisionListing
from hazards.registry_sync import open_hazards_visible_to, scope_district
from hazards.selectors import district_matches, hazard_matches, hazards_visible_to
from hazards.workflow import EXTEND_DEADLINE_ACTORS, TRANSITIONS, Transition, transitions_from
from portal import permissions
from portal.errors import ServiceError
from portal.files import stored_file_response
from portal.models import OrganisationKind as Kind
from portal.models import Region, User
from portal.paging import CappedPaginator

PER_PAGE = 50
# The organisations that keep or oversee ledgers (design.md, "Roles and scopes").
LEDGER_KINDS: tuple[str, ...] = (Kind.ENTERPRISE, Kind.GROUP, Kind.STREET, Kind.DISTRICT)
LEDGER_KINDS += (Kind.REGULATOR, Kind.CITY_OFFICE)
# Who oversees enterprises of more than one district and so filters by district.
DISTRICT_FILTER_KINDS = (Kind.CITY_OFFICE, Kind.REGULATOR, Kind.GROUP)
FILTERS = ("q", "status", "grade", "source", "open", "overdue", "listed", "district")


def _actor(request: HttpRequest) -> User:
    """The user of a request login_required let through."""
    return cast(User, request.user)


def _kind(request: HttpRequest) -> str:
    """The kind of the user's organisation (can_use_ledger has checked there is one)."""
    org = _actor(request).organisation
    assert org is not None
    return str(org.kind)


def can_use_ledger(user: Any) -> bool:
    return permissions.acts_for(user, *LEDGER_KINDS)


def recordable_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The enterprises the user may record hazards for (services.may_record, as a query)."""
    org = user.organisation
    visible = enterprises_visible_to(user, Enterprise.objects.all())
    if org.kind == Kind.ENTERPRISE:
        return visible.filter(account_id=org.pk)
    if org.kind == Kind.GROUP:
        return visible.filter(group_id=org.pk)
    if org.kind == Kind.DISTRICT:
        return visible.filter(region_id=org.region_id)
    return visible.none()


# Moves the rectifier is refused (services.prepare_accept, prepare_reject_acceptance):
# not offered to the person who did the work.
NOT_FOR_THE_RECTIFIER = ("accept", "reject_acceptance")


def listed(hazard: Hazard) -> bool:
    """Under listed supervision not closed yet."""
    return SupervisionListing.objects.filter(hazard=hazard).exclude(status="closed").exists()


def moves_open_to(user: User, hazard: Hazard) -> list[Transition]:
    """The moves the pages and the API offer the user on the hazard now."""
    return [
        t
        for t in transitions_from(hazard.status, hazard.grade)
        if services.can_perform(user, hazard, t)
        and not (t.name in NOT_FOR_THE_RECTIFIER and hazard.rectified_by_id == user.pk)
        # A listed hazard closes through its listing's review (hazards/supervision/).
        and not (t.name == "close" and listed(hazard))
    ]


def filter_hazards(qs: QuerySet[Hazard], filters: dict[str, Any]) -> QuerySet[Hazard]:
    """The list's filters, shared by the page and the API."""
    today = timezone.localdate()
    if filters.get("q"):
        qs = qs.filter(hazard_matches(filters["q"]))
    for key in ("status", "grade", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("district"):
        qs = qs.filter(region_id=filters["district"])
    if filters.get("open"):
        qs = qs.exclude(status=Hazard.Status.CLOSED)
    if filters.get("overdue"):
        qs = qs.exclude(status=Hazard.Status.CLOSED).filter(deadline__lt=today)
    if filters.get("listed"):  # under listed supervision (挂牌督办) that is not closed
        qs = qs.exclude(status=Hazard.Status.CLOSED).filter(listing__isnull=False)
        qs = qs.exclude(listing__status=SupervisionListing.Status.CLOSED)
    return qs


def restricts_to_open(filters: dict[str, Any]) -> bool:
    """Whether the filters leave open hazards only."""
    status = filters.get("status")
    return bool(
        filters.get("open")
        or filters.get("overdue")
        or filters.get("listed")
        or (status and status in Hazard.Status.values and status != Hazard.Status.CLOSED)
    )


def hazards_for(user: Any, filters: dict[str, Any], qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """The user's hazards for a list filtered by ``filters``: when only open ones can
    match, scoped on their own place (hazards/registry_sync.py: the partial indexes of
    open hazards, no join of the registry), otherwise through the enterprise."""
    if restricts_to_open(filters):
        return open_hazards_visible_to(user, qs)
    return hazards_visible_to(user, qs)


def _get_hazard(request: HttpRequest, pk: int) -> Hazard:
    permissions.require(can_use_ledger(request.user))
    return permissions.get_visible_or_404(
        Hazard.objects.select_related(
            "enterprise",
            "region",
            "street",
            "major_basis__version__catalogue",
            "created_by",
            "rectified_by",
            "accepted_by",
        ),
        request.user,
        pk=pk,
    )


# --- list ------------------------------------------------------------------------------


def _listed(request: HttpRequest) -> tuple[dict[str, str], QuerySet[Hazard]]:
    """The list's filters from the query string and the scoped hazards they leave
    (the page and its export)."""
    filters = {key: request.GET.get(key, "").strip() for key in FILTERS}
    if _kind(request) not in DISTRICT_FILTER_KINDS:
        filters["district"] = ""
    return filters, filter_hazards(
        hazards_for(request.user, filters, Hazard.objects.all()), filters
    )


def district_search_rows(user: Any, filters: dict[str, Any]) -> QuerySet[Hazard] | None:
    """A district's search, the same rows found through the district's own grams, for
    its capped count: without them the count scanned the ledger (57,000 rows for
    叉车司机) or walked 8,000 of the district's hazards in the list's order."""
    district = scope_district(user)
    search = filters.get("q")
    found = district_matches(search, district) if search and district else None
    if found is None:
        return None
    unsearched = {**filters, "q": ""}
    return filter_hazards(hazards_for(user, unsearched, Hazard.objects.all()), unsearched).filter(
        found
    )


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use_ledger(request.user))
    kind = _kind(request)
    filters, qs = _listed(request)
    page = CappedPaginator(
        qs.select_related("enterprise", "region"),
        PER_PAGE,
        count_rows=district_search_rows(request.user, filters),
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    today = timezone.localdate()
    show_enterprise = kind != Kind.ENTERPRISE
    return render(
        request,
        "hazards/list.html",
        {
            "page": page,
            "rows_html": hazard_rows_html(page, show_enterprise=show_enterprise, today=today),
            "filters": filters,
            "params": params.urlencode(),
            "statuses": Hazard.Status.choices,
            "grades": Hazard.Grade.choices,
            "sources": Hazard.Source.choices,
            "districts": Region.objects.all() if kind in DISTRICT_FILTER_KINDS else None,
            "show_enterprise": show_enterprise,
            "can_record": recordable_enterprises(request.user).exists(),
        },
    )


@login_required
@require_GET
def hazard_export(request: HttpRequest) -> FileResponse:
    """The list as filtered on its page, as xlsx: whoever sees the list may export it."""
    permissions.require(can_use_ledger(request.user))
    _filters, qs = _listed(request)
    filename = f"hazards-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        export_hazards(qs), as_attachment=True, filename=filename, content_type=XLSX
    )


# --- recording -------------------------------------------------------------------------


@login_required
def hazard_new(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use_ledger(request.user))
    choices = recordable_enterprises(request.user)
    if _kind(request) == Kind.ENTERPRISE:
        enterprise = choices.first()
    else:
        chosen = request.POST.get("enterprise") or request.GET.get("enterprise", "")
        enterprise = choices.filter(pk=chosen).first() if chosen.isdigit() else None
    permissions.require(choices.exists())
    if enterprise is None:
        # A group or district first picks the enterprise it inspected.
        q = request.GET.get("q", "").strip()
        found = choices.filter(Q(name__icontains=q) | Q(uscc__icontains=q)) if q else choices
        return render(
            request,
            "hazards/choose_enterprise.html",
            {"enterprises": found.order_by("name")[:20], "q": q},
        )
    form = HazardForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the photo refused: no hazard either
                hazard = services.hazard_record(
                    actor=_actor(request), enterprise=enterprise, **form.record_fields()
                )
                photo = form.cleaned_data.get("photo")
                if photo:
                    services.photo_add(
                        actor=_actor(request),
                        hazard=hazard,
                        kind=HazardPhoto.Kind.BEFORE,
                        upload=photo,
                    )
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            name = "photo" if error.field in ("file", "kind") else error.field
            form.add_error(name if name in form.fields else None, error.message)
        else:
            messages.success(request, _("Hazard %(number)s recorded.") % {"number": hazard.number})
            return redirect("hazards:detail", pk=hazard.pk)
    return render(
        request,
        "hazards/new.html",
        {"form": form, "enterprise": enterprise},
        status=400 if form.errors else 200,
    )


# --- detail and its forms -----------------------------------------------------------------


def _render_detail(
    request: HttpRequest, hazard: Hazard, *, status: int = 200, **extra: Any
) -> HttpResponse:
    from hazards.supervision import views as supervision_views  # it imports this module

    user = _actor(request)
    actions = [{"t": t, "fields": MOVE_FIELDS.get(t.name, ())} for t in moves_open_to(user, hazard)]
    may_record = services.may_record(user, hazard.enterprise)
    statuses = dict(Hazard.Status.choices)
    labels = {"record": _("Recorded"), "extend_deadline": _("Deadline extended")}
    labels.update({name: str(t.label) for name, t in TRANSITIONS.items()})
    events = list(hazard.events.select_related("actor", "organisation"))
    for event in events:
        event.label = labels.get(event.move, event.move)  # type: ignore[attr-defined]
        event.to_label = statuses.get(event.to_status, event.to_status)  # type: ignore[attr-defined]
    context = {
        "hazard": hazard,
        "overdue": hazard.is_overdue(),
        "events": events,
        "extensions": hazard.extensions.select_related("approved_by"),
        "photos": hazard.photos.select_related("uploaded_by"),
        "actions": actions,
        "may_extend": hazard.is_open and services.acts_as_any(user, hazard, EXTEND_DEADLINE_ACTORS),
        "may_add_photo": hazard.is_open and may_record,
        "action_error": None,
        "action_form": {},
        "conflict": None,
        "extend_form": ExtendForm(),
        "photo_form": PhotoForm(),
        "major": supervision_views.hazard_panel(user, hazard),
        **extra,
    }
    return render(request, "hazards/detail.html", context, status=status)


@login_required
@require_GET
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_hazard(request, pk))


@login_required
@require_POST
def hazard_act(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    hazard = _get_hazard(request, pk)
    move = TRANSITIONS.get(transition)
    if move is None:
        raise Http404
    form = MoveForm(request.POST)
    form.is_valid()  # every field optional; the service judges the values
    data = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
    if form.errors:  # a malformed date or an over-long text
        name, errors = next(iter(form.errors.items()))
        return _render_detail(
            request,
            hazard,
            status=400,
            action_error={"transition": move.name, "message": f"{name}: {errors[0]}"},
            action_form=request.POST,
        )
    try:
        services.perform(actor=_actor(request), hazard=hazard, move=move.name, **data)
    except HazardForbidden:
        raise PermissionDenied from None
    except HazardConflict as error:
        return _render_detail(request, _get_hazard(request, pk), status=409, conflict=error.message)
    except ServiceError as error:
        return _render_detail(
            request,
            _get_hazard(request, pk),
            status=400,
            action_error={"transition": move.name, "message": error.message},
            action_form=request.POST,
        )
    messages.success(request, _("%(step)s: done.") % {"step": move.label})
    return redirect("hazards:detail", pk=hazard.pk)


@login_required
@require_POST
def hazard_extend(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = _get_hazard(request, pk)
    # The role before the input: whoever may not extend learns nothing from a 400.
    permissions.require(services.acts_as_any(_actor(request), hazard, EXTEND_DEADLINE_ACTORS))
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend_deadline(
                actor=_actor(request),
                hazard=hazard,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_detail(request, hazard, status=409, conflict=error.message)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Deadline extended."))
            return redirect("hazards:detail", pk=hazard.pk)
    return _render_detail(request, _get_hazard(request, pk), status=400, extend_form=form)


@login_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = _get_hazard(request, pk)
    permissions.require(services.may_record(_actor(request), hazard.enterprise))
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                actor=_actor(request),
                hazard=hazard,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except HazardForbidden:
            raise PermissionDenied from None
        except HazardConflict as error:
            return _render_detail(request, hazard, status=409, conflict=error.message)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else "file", error.message)
        else:
            messages.success(request, _("Photo added."))
            return redirect(reverse("hazards:detail", args=[hazard.pk]) + "#photos")
    return _render_detail(request, _get_hazard(request, pk), status=400, photo_form=form)


@login_required
@require_GET
def photo_download(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """For whoever sees the hazard; never served from MEDIA_URL."""
    hazard = _get_hazard(request, pk)
    photo = get_object_or_404(HazardPhoto, pk=photo_id, hazard=hazard)
    return stored_file_response(
        photo.file, filename=photo.original_name, content_type=photo.content_type
    )
