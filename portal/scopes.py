"""Who sees which portal objects: one function per model, applied in the query.

Every page, API endpoint and export reaches these objects through the
``visible_to(user)`` queryset methods that call these functions.
"""

from __future__ import annotations

from django.db.models import QuerySet

from portal.models.organisations import OrganisationKind as Kind


def _acting_organisation(user):
    """The user's organisation, or None when it may not act (pending, rejected,
    suspended...): such a user sees nothing through any scope."""
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return None
    if not user.organisation.is_active:
        return None
    return user.organisation


def organisations_visible_to(user, qs: QuerySet) -> QuerySet:
    """The city office sees all organisations; everyone else sees their own,
    and districts also see the enterprise accounts registered in them."""
    org = _acting_organisation(user)
    if org is None:
        return qs.none()
    if org.kind == Kind.CITY_OFFICE:
        return qs
    if org.kind == Kind.DISTRICT:
        return qs.filter(pk=org.pk) | qs.filter(
            kind=Kind.ENTERPRISE, enterprise__region_id=org.region_id
        )
    return qs.filter(pk=org.pk)


def users_visible_to(user, qs: QuerySet) -> QuerySet:
    org = _acting_organisation(user)
    if org is None:
        return qs.none()
    if org.kind == Kind.CITY_OFFICE:
        return qs
    return qs.filter(organisation_id=org.pk)


def audit_events_visible_to(user, qs: QuerySet) -> QuerySet:
    org = _acting_organisation(user)
    if org is None or org.kind != Kind.CITY_OFFICE:
        return qs.none()
    return qs
