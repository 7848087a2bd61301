"""Who sees which applications, and each organisation's work queue."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from certification.models import Application, Status
from certification.workflow import APPLICANT, RECEIVER, RESPONSIBLE
from enterprises.models import Enterprise
from portal.models import OrganisationKind as Kind


def applications_visible_to(user, qs: QuerySet) -> QuerySet:
    """Drafts belong to the applicant alone; after submission, whoever sees
    the enterprise, and the receiver, see the application."""
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return qs.none()
    org = user.organisation
    own = Q(applicant_id=org.pk) | Q(enterprise__account_id=org.pk)
    if org.kind in (Kind.ENTERPRISE, Kind.GROUP):
        group = Q(enterprise__group_id=org.pk) & ~Q(status=Status.DRAFT)
        return qs.filter(own | group)
    submitted = ~Q(status=Status.DRAFT)
    if org.kind == Kind.CITY_OFFICE:
        return qs.filter(submitted)
    if org.kind == Kind.ORGANISING_UNIT:
        organised = Q(receiver_id=org.pk)
        for industry, tier in org.qualifications.values_list("industry_id", "tier"):
            organised |= Q(industry_id=industry, tier=tier)
        return qs.filter(submitted & organised)
    if org.kind == Kind.REVIEW_UNIT:
        return qs.none()  # review units see what is assigned to them (later issue)
    return qs.filter(submitted & (Q(receiver_id=org.pk)
                                  | Q(enterprise__in=Enterprise.objects.visible_to(user))))


def queue_for(user, qs: QuerySet | None = None) -> QuerySet:
    """What awaits the user's organisation: overdue first, then by due date."""
    qs = Application.objects.all() if qs is None else qs
    org_id = user.organisation_id
    mine = Q(pk__in=[])
    for status, who in RESPONSIBLE.items():
        if who == RECEIVER:
            mine |= Q(status=status, receiver_id=org_id)
        elif who == APPLICANT:
            mine |= Q(status=status, applicant_id=org_id)
    # Everything here has the user's organisation as its receiver or
    # applicant, so it is in scope by construction: no visible_to subquery.
    if not user.is_authenticated or not user.can_act:
        return qs.none()
    return qs.filter(mine).order_by(F("due_on").asc(nulls_last=True), "status_changed_at", "id")
