"""Pages of certification/verification/rules.py, and the data of its panel on the
application's detail page (templates/certification/_verification_panel.html).

- /applications/verification/: the organiser's batches with their counts,
  the spot checks still to be recorded, and the form that makes a batch of
  its reported applications not yet batched. The city office sees every
  organiser's batches, read-only. Other organisations: 403.
- /applications/verification/<id>/: a batch's items, which were drawn (and
  why each is required), the seed and how to repeat the draw, and the forms
  recording each spot check. A batch of another organiser: 404.
- /applications/verification/<id>/approve/ (POST): the organiser approves the
  batch's passed reports in one action; the others (city office): 403.

Verifying, sending back and closing happen on the application's own page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certification.engine import TransitionConflict, TransitionForbidden
from certification.models import Application, SpotCheck, Status, VerificationBatch
from certification.verification import approval, spot_checks
from certification.verification import rules as verification
from portal import permissions
from portal.errors import ServiceError
from portal.ids import parse_id
from portal.models import OrganisationKind

PENDING_SHOWN = 200
# The new-batch form lists the applications reported longest ago; a batch of more
# would be more than a team re-checks together, and the page would grow with the backlog.
CANDIDATES_SHOWN = 100

# States before any report: the panel has nothing to show.
_BEFORE_REPORT = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.ACCEPTED,
    Status.NATIONAL,
    Status.NATIONAL_DECIDED,
    Status.ASSIGNED,
    Status.WITHDRAWN,
}


def _get_batch(request, batch_id: int) -> VerificationBatch:
    try:
        return (
            verification.batches_visible_to(request.user)
            .select_related("organiser", "created_by")
            .get(pk=batch_id)
        )
    except VerificationBatch.DoesNotExist:
        raise Http404 from None


def _pending_checks(user):
    qs = SpotCheck.objects.filter(required=True, result=SpotCheck.Result.PENDING)
    if user.organisation.kind != OrganisationKind.CITY_OFFICE:
        qs = qs.filter(application__receiver_id=user.organisation_id)
    return qs.select_related(
        "application__enterprise", "application__receiver", "unit", "batch"
    ).order_by("batch_id", "application_id")


def _render_list(request, *, status: int = 200, **extra):
    user = request.user
    batches = verification.with_counts(
        verification.batches_visible_to(user).select_related("organiser", "created_by")
    ).order_by("-created_at", "-id")
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    may_create = verification.may_create_batches(user)
    candidates, waiting = [], 0
    if may_create:
        batchable = verification.batchable(user.organisation_id)
        candidates = list(batchable[:CANDIDATES_SHOWN])
        waiting = batchable.count() if len(candidates) == CANDIDATES_SHOWN else len(candidates)
    context = {
        "page": page,
        "pending": list(_pending_checks(user)[:PENDING_SHOWN]),
        "pending_limit": PENDING_SHOWN,
        "may_create": may_create,
        "candidates": candidates,
        "candidates_waiting": waiting,
        "is_city": user.organisation.kind == OrganisationKind.CITY_OFFICE,
        "create_error": None,
        "selected": [],
        "record_errors": {},
        "record_notes": {},
        **extra,
    }
    return render(request, "certification/verification/list.html", context, status=status)


@login_required
def verification_list(request):
    permissions.require(verification.may_use_verification(request.user))
    return _render_list(request)


@login_required
@require_POST
def verification_batch_create(request):
    user = request.user
    permissions.require(verification.may_create_batches(user))
    ids = sorted({parse_id(value) for value in request.POST.getlist("applications")} - {None})
    visible = set(
        Application.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    try:
        if not ids:
            raise ServiceError(_("Choose at least one reported application."))
        if set(ids) - visible:
            raise ServiceError(
                _("No such application: %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(set(ids) - visible)))}
            )
        batch = verification.batch_create(actor=user, applications=ids)
    except ServiceError as error:
        if isinstance(error, TransitionForbidden):
            raise PermissionDenied(error.message) from None
        return _render_list(request, status=400, create_error=error.message, selected=ids)
    messages.success(
        request,
        _("Batch “%(name)s” made: %(drawn)d of %(count)d drawn for an on-site re-check.")
        % {
            "name": batch.name,
            "count": len(ids),
            "drawn": batch.checks.filter(reason=SpotCheck.Reason.DRAWN).count(),
        },
    )
    return redirect("certification:verification_batch", batch_id=batch.pk)


def _render_batch(request, batch: VerificationBatch, *, status: int = 200, **extra):
    user = request.user
    items = list(
        batch.checks.select_related(
            "application__enterprise", "application__onsite", "unit", "checked_by"
        ).order_by("application_id")
    )
    population = verification.drawable(item.application for item in items)
    not_drawn = [item for item in items if item.application_id not in population]
    picks = sorted(item.application_id for item in items if item.reason == SpotCheck.Reason.DRAWN)
    repeated = sorted(verification.draw(batch.seed, population)) if batch.seed else []
    tiers = dict(Application.Tier.choices)
    for item in items:
        item.onsite = getattr(item.application, "onsite", None)
        proposed = item.onsite.proposed_tier if item.onsite else ""
        item.proposed_display = tiers.get(proposed, proposed)
    counts = verification.with_counts(VerificationBatch.objects.filter(pk=batch.pk)).get()
    names = {item.application_id: item.application.enterprise.name for item in items}
    approvable = [
        item
        for item in items
        if item.application.status == Status.REPORTED
        and (not item.required or item.result == SpotCheck.Result.PASSED)
    ]
    context = {
        "batch": batch,
        "items": items,
        "counts": counts,
        "population": population,
        "picks": picks,
        "population_named": [(pk, names[pk]) for pk in population],
        "not_drawn_named": [
            (item.application_id, names[item.application_id]) for item in not_drawn
        ],
        "picks_named": [(pk, names[pk]) for pk in picks],
        "approvable": approvable,
        "may_approve": approval.may_approve(user, batch),
        "repeat_matches": repeated == picks,
        "instructions": verification.draw_instructions(batch, population),
        "may_record": user.can_act and user.organisation_id == batch.organiser_id,
        "record_errors": {},
        "record_notes": {},
        **extra,
    }
    return render(request, "certification/verification/batch.html", context, status=status)


@login_required
def verification_batch(request, batch_id: int):
    return _render_batch(request, _get_batch(request, batch_id))


@login_required
@require_POST
def verification_batch_approve(request, batch_id: int):
    """Approve the batch's passed reports in one action (each its own verify move)."""
    batch = _get_batch(request, batch_id)
    try:
        outcome = approval.batch_approve_passed(actor=request.user, batch=batch)
    except TransitionForbidden as error:
        raise PermissionDenied(error.message) from None
    if not outcome.approved and not outcome.refused:
        messages.info(request, _("No report of this batch is waiting for approval."))
    if outcome.approved:
        messages.success(
            request,
            ngettext(
                "%(count)d report approved: %(names)s.",
                "%(count)d reports approved: %(names)s.",
                len(outcome.approved),
            )
            % {
                "count": len(outcome.approved),
                "names": "、".join(a.enterprise.name for a in outcome.approved),
            },
        )
    for application, reason in outcome.refused:
        messages.error(
            request,
            _("%(enterprise)s not approved: %(reason)s")
            % {"enterprise": application.enterprise.name, "reason": reason},
        )
    return redirect("certification:verification_batch", batch_id=batch.pk)


@login_required
@require_POST
def spot_check_record(request, check_id: int):

    check = get_object_or_404(
        SpotCheck.objects.select_related("batch"),
        pk=check_id,
        application__in=Application.objects.visible_to(request.user),
    )
    result = request.POST.get("result", "")
    notes = request.POST.get("notes", "")

    def again(status: int, message: str):
        errors, kept = {check.pk: message}, {check.pk: notes}
        if (
            check.batch is not None
            and verification.batches_visible_to(request.user).filter(pk=check.batch.pk).exists()
        ):
            return _render_batch(
                request, check.batch, status=status, record_errors=errors, record_notes=kept
            )
        if verification.may_use_verification(request.user):
            return _render_list(request, status=status, record_errors=errors, record_notes=kept)
        raise PermissionDenied(message)

    try:
        spot_checks.spot_check_record(actor=request.user, check=check, result=result, notes=notes)
    except TransitionForbidden:
        raise PermissionDenied from None
    except TransitionConflict as error:
        return again(409, error.message)
    except ServiceError as error:
        return again(400, error.message)
    check.refresh_from_db()
    messages.success(
        request, _("Spot check recorded: %(result)s.") % {"result": check.get_result_display()}
    )
    if check.batch_id is not None:
        return redirect("certification:verification_batch", batch_id=check.batch_id)
    return redirect(reverse("certification:verification") + "#pending")


# --- the panel on the application's page ---------------------------------------------


def detail_context(request, application: Application) -> dict:
    """What the verification panel of the detail page needs (keys prefixed verification_)."""
    if application.status in _BEFORE_REPORT:
        return {}
    checks = verification.current_checks(application)
    if not checks and application.status != Status.REPORTED:
        return {}
    user = request.user
    organiser_side = verification.may_see_notes(user, application)
    batch_check = next((check for check in checks if check.batch_id), None)
    visible_batches = set()
    if batch_check is not None:
        visible_batches = set(
            verification.batches_visible_to(user)
            .filter(pk=batch_check.batch_id)
            .values_list("pk", flat=True)
        )
    blocking = [
        check for check in checks if check.required and check.result != SpotCheck.Result.PASSED
    ]
    return {
        "verification_shown": True,
        "verification_checks": checks,
        "verification_batch": batch_check.batch if batch_check else None,
        "verification_batch_link": bool(batch_check and batch_check.batch_id in visible_batches),
        "verification_drawn": any(check.reason == SpotCheck.Reason.DRAWN for check in checks),
        "verification_blocking": blocking,
        "verification_see_notes": organiser_side,
        "verification_is_receiver": bool(
            user.can_act and user.organisation_id == application.receiver_id
        ),
    }
