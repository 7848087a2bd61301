"""Who sees which applications, and each organisation's work queue."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from certification.models import Application, Assignment, Status
from certification.workflow import APPLICANT, RECEIVER, RESPONSIBLE, REVIEW_UNIT
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
        # What is assigned to the unit: per-object grants given at assignment
        # and taken back when the application leaves the unit
        # (certification/assignment.py).
        return get_objects_for_user(user, "certification.view_application",
                                    qs.filter(submitted), accept_global_perms=False)
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
        elif who == REVIEW_UNIT:
            mine |= Q(status=status, pk__in=Assignment.objects.filter(
                unit_id=org_id, withdrawn_at__isnull=True).values("application_id"))
    # Everything here has the user's organisation as its receiver, applicant
    # or assigned review unit, so it is in scope by construction: no
    # visible_to subquery.
    if not user.is_authenticated or not user.can_act:
        return qs.none()
    return qs.filter(mine).order_by(F("due_on").asc(nulls_last=True), "status_changed_at", "id")


def responsible_organisation_id(application: Application) -> int | None:
    """The organisation the application's current state waits on."""
    who = RESPONSIBLE.get(application.status)
    if who == RECEIVER:
        return application.receiver_id
    if who == APPLICANT:
        return application.applicant_id
    if who == REVIEW_UNIT:
        return (Assignment.objects.filter(application_id=application.pk,
                                          withdrawn_at__isnull=True)
                .values_list("unit_id", flat=True).first())
    return None
