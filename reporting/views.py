"""Home pages per role. Widgets show real figures or are left out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from enterprises.models import Enterprise
from enterprises.selectors import pending_claim_count, registry_counts
from portal.models import OrganisationKind as Kind
from reporting.dashboards.builders import build_with_source
from reporting.dashboards.common import registry_totals


@login_required
def home(request):
    user = request.user
    context = {"organisation": user.organisation}
    if user.organisation_id is None:
        return render(request, "reporting/home.html", context)
    org = user.organisation
    if not user.can_act:
        context["enterprise"] = Enterprise.objects.filter(account_id=org.pk).first()
        return render(request, "reporting/home_pending.html", context)
    # The role's dashboard (reporting/dashboards/), below the cards; its snapshot also
    # feeds the registry card.
    context["dashboard"], source = build_with_source(user)
    if org.kind == Kind.ENTERPRISE:
        context["enterprise"] = (
            Enterprise.objects.select_related("region", "street", "industry")
            .filter(account_id=org.pk)
            .first()
        )
    elif org.kind != Kind.REVIEW_UNIT:
        visible = Enterprise.objects.visible_to(user)
        snapshot = registry_totals(user, source)
        if snapshot is None:
            context["counts"] = registry_counts(visible)
            context["by_scale"] = _count_by(visible, "scale", Enterprise.Scale.choices)
        else:
            # Last night's active enterprises (counting the whole registry takes
            # seconds at city size); the registrations waiting are few and current.
            pending = visible.filter(status=Enterprise.Status.PENDING).count()
            context["counts"] = {"total": None, "active": snapshot["active"], "pending": pending}
            context["by_scale"] = snapshot["by_scale"]
            context["registry_as_of"] = snapshot["as_of"]
        if org.kind in (Kind.CITY_OFFICE, Kind.DISTRICT):
            context["pending_registrations"] = pending_claim_count(user)
    if org.kind in (Kind.REGULATOR, Kind.ORGANISING_UNIT, Kind.REVIEW_UNIT):
        context["industries"] = org.industries.all()
        context["qualifications"] = org.qualifications.select_related("industry")
    if org.kind != Kind.STREET:  # no step of the workflow is a street office's
        context["queue"] = _queue_counts(user)
    if org.kind == Kind.STREET:
        context["region"] = org.region
        context["street"] = org.street
    if org.kind == Kind.DISTRICT:
        context["region"] = org.region
        context["street_count"] = org.region.streets.count()
    return render(request, "reporting/home.html", context)


def _queue_counts(user) -> dict[str, int]:
    """How many applications await the user's organisation (待办), and how
    many of them are overdue: one query."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from certification.selectors import queue_for

    return (
        queue_for(user)
        .order_by()
        .aggregate(
            total=Count("id"), overdue=Count("id", filter=Q(due_on__lt=timezone.localdate()))
        )
    )


def _count_by(qs, field, choices):
    from django.db.models import Count

    counts = dict(qs.order_by().values_list(field).annotate(n=Count("id")))
    return [(label, counts.get(value, 0)) for value, label in choices]
