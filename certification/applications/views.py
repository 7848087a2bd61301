"""Application pages: list, new, detail (materials, declaration, the moves open
to the user, the timeline), material download and the work queue (待办).

Thin views: parse → fetch through the user's scope (404 outside it) → call
certification/engine.py (TransitionForbidden → 403) → render. The moves
offered come from certification/workflow.py, filtered by engine.can_perform.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification import engine
from certification.applications import services
from certification.applications.forms import (
    DECLARATION_FIELDS,
    ActionForm,
    ApplicationForm,
    AssignForm,
    DeclarationForm,
    MaterialForm,
    SignForm,
)
from certification.applications.status_tabs import status_tabs, tab_count
from certification.applications.table_html import application_rows_html, rows_of
from certification.assignment import rules as assigning
from certification.assignment.simplified import required_materials
from certification.models import Application, Material, MaterialKind, Status
from certification.selectors import list_ordering, queue_for
from certification.workflow import (
    DETAIL_PANELS,
    RESPONSIBLE,
    TRANSITIONS,
    transitions_from,
)
from enterprises.name_copy import enterprise_search, name_copy_index
from portal import permissions
from portal.errors import ServiceError
from portal.files import stored_file_response
from portal.models import Industry, Region
from portal.models import OrganisationKind as Kind
from portal.paging import CappedIdsPaginator, fill_page

EDITABLE = (Status.DRAFT, Status.RETURNED)


def can_use_applications(user) -> bool:
    """Everyone who can act has the application list and queue; what is in
    them follows the scope (review units: what is assigned to them)."""
    return bool(user.can_act)


def can_apply(user) -> bool:
    return permissions.acts_for(user, Kind.ENTERPRISE, Kind.GROUP)


def with_overdue(qs: QuerySet, today=None) -> QuerySet:
    """Mark what is past its due date while someone still has to act."""
    today = today or timezone.localdate()
    return qs.annotate(
        is_overdue=Case(
            When(due_on__lt=today, status__in=list(RESPONSIBLE), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _get_application(request, pk: int) -> Application:
    return permissions.get_visible_or_404(
        Application.objects.select_related(
            "enterprise__region",
            "industry",
            "receiver",
            "authority",
            "applicant",
            "created_by",
            "assessment__version__standard",
        ),
        request.user,
        pk=pk,
    )


# --- list, queue --------------------------------------------------------------------

SEARCH_INDEX = name_copy_index(Application._meta.db_table)


@login_required
def application_list(request):
    permissions.require(can_use_applications(request.user))
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "status", "tier", "district", "industry")
    }
    qs = Application.objects.visible_to(request.user)
    tabs = status_tabs(request.user, qs, current=filters["status"])
    if filters["q"]:
        qs = qs.filter(enterprise_search(filters["q"], SEARCH_INDEX, qs.db))
    for key, lookup in (
        ("status", "status"),
        ("tier", "tier"),
        ("district", "region_id"),
        ("industry", "industry_id"),
    ):
        if filters[key]:
            qs = qs.filter(**{lookup: filters[key]})
    today = timezone.localdate()
    ids = with_overdue(qs, today).order_by(*list_ordering(today)).values_list("pk", flat=True)
    # Filtered by status alone, the tabs have counted the list: the page reads 50 ids.
    narrowed = any(filters[key] for key in ("q", "tier", "district", "industry"))
    known = None if narrowed else tab_count(tabs, filters["status"])
    page = fill_page(
        CappedIdsPaginator(ids, 50, known_count=known).get_page(request.GET.get("page")),
        rows_of(with_overdue(Application.objects.all(), today)),
    )
    params = request.GET.copy()
    params.pop("page", None)
    districts, industries = list(Region.objects.all()), list(Industry.objects.all())
    rows_html = application_rows_html(
        page,
        _("No application matches these filters."),
        regions=districts,
        industries=industries,
    )
    return render(
        request,
        "certification/list.html",
        {
            "page": page,
            "rows_html": rows_html,
            "filters": filters,
            "params": params.urlencode(),
            "status_tabs": tabs,
            "tiers": Application.Tier.choices,
            "districts": districts,
            "industries": industries,
            "can_apply": can_apply(request.user),
        },
    )


@login_required
def application_queue(request):
    """待办: what awaits the user's organisation, overdue first."""
    permissions.require(can_use_applications(request.user))
    status = request.GET.get("status", "").strip()
    qs = queue_for(request.user)
    if status:
        qs = qs.filter(status=status)
    qs = rows_of(with_overdue(qs))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certification/queue.html",
        {
            "page": page,
            "rows_html": application_rows_html(page, _("Nothing awaits your organisation.")),
            "status": status,
            "params": f"status={status}" if status else "",
            "statuses": [(value, label) for value, label in Status.choices if value in RESPONSIBLE],
        },
    )


# --- new application ----------------------------------------------------------------


@login_required
def application_new(request):
    permissions.require(can_apply(request.user))
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_create(
                actor=request.user,
                enterprise=data["enterprise"],
                assessment=data["assessment"],
                tier=data["tier"],
                deaths_last_year=data["deaths_last_year"],
                serious_injuries_last_year=data["serious_injuries_last_year"],
                accidents_last_3_years=data["accidents_last_3_years"].strip(),
            )
        except engine.TransitionForbidden as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Application created. Upload the materials, confirm "
                    "the declaration and submit it."
                ),
            )
            return redirect("certification:detail", pk=application.pk)
    return render(
        request,
        "certification/new.html",
        {"form": form, "tiers_by_assessment": form.tiers_by_assessment},
        status=400 if form.errors else 200,
    )


# --- detail and its forms -------------------------------------------------------------


def _render_detail(request, application: Application, *, status: int = 200, **extra):
    user = request.user
    may_edit = (
        user.can_act
        and user.organisation_id == application.applicant_id
        and application.status in EDITABLE
    )
    materials = list(application.materials.select_related("uploaded_by"))
    required = required_materials(application.tier)
    groups = [
        {
            "kind": kind,
            "label": label,
            "required": kind in required,
            "files": [m for m in materials if m.kind == kind],
        }
        for kind, label in MaterialKind.choices
    ]
    events = list(application.events.select_related("actor", "organisation"))
    returned = [e for e in events if e.transition == "return"]
    actions = [
        t
        for t in transitions_from(application.status, application.tier)
        if not t.via_batch and engine.can_perform(user, application, t)
    ]
    may_assign = any(t.name == "assign" for t in actions)
    actions = [t for t in actions if t.name != "assign"]  # it has its own form
    overdue = bool(
        application.due_on
        and application.due_on < timezone.localdate()
        and application.status in RESPONSIBLE
    )
    context = {
        "application": application,
        "overdue": overdue,
        "may_edit": may_edit,
        "material_groups": groups,
        "events": events,
        "actions": actions,
        "return_reason": returned[-1]
        if returned and application.status == Status.RETURNED
        else None,
        "is_applicant": user.organisation_id == application.applicant_id,
        "declaration_form": DeclarationForm.for_application(application),
        "action_error": None,
        "action_form": None,
        "upload_errors": {},
        "conflict": None,
        **_assignment_context(request, application, may_assign, extra),
        # Each later step of the workflow adds its own panel's data (DETAIL_PANELS).
        **{
            key: value
            for panel in DETAIL_PANELS
            for key, value in engine.hook(panel)(request, application).items()
        },
        **extra,
    }
    return render(request, "certification/detail.html", context, status=status)


def _assignment_context(request, application: Application, may_assign: bool, extra: dict) -> dict:
    """The review unit and team, who may sign which declaration, and for the
    receiver deciding the assignment: the suggested units and the form."""
    user = request.user
    current = assigning.current_assignment(application)
    members = []
    if current is not None:
        for member in current.members.select_related("reviewer", "declaration_signed_by"):
            member.may_sign = (
                application.status == Status.ASSIGNED
                and member.declaration_signed_at is None
                and assigning.may_sign_for(user, member)
            )
            members.append(member)
    context: dict[str, object] = {
        "assignment": current,
        "team": members,
        "may_assign": may_assign,
        "unsigned": sum(1 for m in members if m.declaration_signed_at is None),
    }
    if may_assign:
        suggestions = assigning.suggestions(application)
        form = extra.get("assign_form")
        chosen = None
        unit_id = form.data.get("unit") if form is not None else request.GET.get("unit")
        for suggestion in suggestions:
            if str(suggestion.unit.pk) == str(unit_id or ""):
                chosen = suggestion
        context.update(
            {
                "suggestions": suggestions,
                "chosen": chosen,
                "assign_form": form
                or AssignForm(initial={"unit": chosen.unit.pk if chosen else None}),
            }
        )
    return context


@login_required
def application_detail(request, pk: int):
    return _render_detail(request, _get_application(request, pk))


@login_required
@require_POST
def application_act(request, pk: int, transition: str):
    application = _get_application(request, pk)
    move = TRANSITIONS.get(transition)
    if move is None:
        raise Http404
    form = ActionForm(request.POST)
    form.is_valid()  # every field is optional; the service judges the values
    data = {name: form.cleaned_data.get(name, "") for name in form.fields}
    try:
        engine.perform(actor=request.user, application=application, transition=move.name, **data)
    except engine.TransitionForbidden:
        raise PermissionDenied from None
    except engine.TransitionConflict as error:
        # Someone acted first: show what they did, on the state as it is now.
        return _render_detail(
            request, _get_application(request, pk), status=409, conflict=error.message
        )
    except ServiceError as error:
        return _render_detail(
            request,
            _get_application(request, pk),
            status=400,
            action_error={"transition": move.name, "message": error.message},
            action_form=data,
        )
    messages.success(request, _("%(step)s: done.") % {"step": move.label})
    return redirect("certification:detail", pk=application.pk)


def _require_applicant(request, application: Application) -> None:
    permissions.require(
        request.user.can_act and request.user.organisation_id == application.applicant_id
    )


@login_required
@require_POST
def material_upload(request, pk: int):
    application = _get_application(request, pk)
    _require_applicant(request, application)
    form = MaterialForm(request.POST, request.FILES)
    kind = request.POST.get("kind", "")
    if not form.is_valid():
        # An ErrorList yields its messages as str; the stubs say ValidationError too.
        message = " ".join(e for errors in form.errors.values() for e in errors)  # type: ignore[misc]
        return _render_detail(request, application, status=400, upload_errors={kind: message})
    try:
        material = services.material_add(
            actor=request.user,
            application=application,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except engine.TransitionForbidden:
        raise PermissionDenied from None
    except ServiceError as error:
        return _render_detail(request, application, status=400, upload_errors={kind: error.message})
    messages.success(request, _("Uploaded “%(name)s”.") % {"name": material.original_name})
    return redirect(reverse("certification:detail", args=[application.pk]) + "#materials")


@login_required
@require_POST
def declaration_save(request, pk: int):
    application = _get_application(request, pk)
    _require_applicant(request, application)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        data["accidents_last_3_years"] = data["accidents_last_3_years"].strip()
        try:
            services.application_update(
                actor=request.user,
                application=application,
                **{name: data[name] for name in [*DECLARATION_FIELDS, "declaration_confirmed"]},
            )
        except engine.TransitionForbidden:
            raise PermissionDenied from None
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Declaration saved."))
            return redirect("certification:detail", pk=application.pk)
    return _render_detail(request, application, status=400, declaration_form=form)


@login_required
def material_download(request, pk: int, material_id: int):
    """The file as an attachment under its original name, for whoever may see
    the application (never served from MEDIA_URL)."""
    application = _get_application(request, pk)
    material = get_object_or_404(Material, pk=material_id, application=application)
    return stored_file_response(
        material.file, filename=material.original_name, content_type=material.content_type
    )


@login_required
@require_POST
def application_assign(request, pk: int):
    """The receiver assigns a review unit and its team (accepted → assigned)."""
    application = _get_application(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, application, status=400, assign_form=form)
    data = form.cleaned_data
    try:
        services.application_assign(
            actor=request.user,
            application=application,
            unit=data["unit"],
            leader=data["leader"],
            members=list(data["members"]),
            comment=data["comment"].strip(),
        )
    except engine.TransitionForbidden:
        raise PermissionDenied from None
    except engine.TransitionConflict as error:
        return _render_detail(
            request, _get_application(request, pk), status=409, conflict=error.message
        )
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_detail(request, application, status=400, assign_form=form)
    messages.success(request, _("Assigned to %(unit)s.") % {"unit": data["unit"].name})
    return redirect("certification:detail", pk=application.pk)


@login_required
@require_POST
def declaration_sign(request, pk: int):
    """A team member's no-conflict declaration (audit log only)."""
    application = _get_application(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        member = assigning.declaration_sign(
            actor=request.user, application=application, reviewer=form.cleaned_data["reviewer"]
        )
    except engine.TransitionForbidden:
        raise PermissionDenied from None
    except engine.TransitionConflict as error:
        return _render_detail(
            request, _get_application(request, pk), status=409, conflict=error.message
        )
    except ServiceError as error:
        return _render_detail(request, application, status=400, conflict=error.message)
    messages.success(request, _("Declaration of %(name)s signed.") % {"name": member.reviewer.name})
    return redirect(reverse("certification:detail", args=[application.pk]) + "#assignment")
