"""What a role may do, once the object is known to be in the user's scope.

Scope (may the user know the object exists?) lives in the visible_to
functions and gives 404; these checks give 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from portal.models import OrganisationKind as Kind

if TYPE_CHECKING:
    from portal.types import AnyUser


_M = TypeVar("_M", bound=Model)


def get_visible_or_404(qs: QuerySet[_M], user: AnyUser, **lookup: Any) -> _M:
    """Fetch one object through the user's scope; outside it, 404."""
    # Every scoped model's queryset has visible_to; QuerySet itself does not declare it.
    scoped: QuerySet[_M] = qs.visible_to(user)  # type: ignore[attr-defined]
    try:
        return scoped.get(**lookup)
    except ObjectDoesNotExist:  # qs.model.DoesNotExist, the only one get raises
        raise Http404 from None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def acts_for(user, *kinds: str) -> bool:
    return bool(user.is_authenticated and user.can_act and user.organisation.kind in kinds)


def can_manage_organisations(user) -> bool:
    return acts_for(user, Kind.CITY_OFFICE)


def can_manage_staff(user) -> bool:
    return bool(user.is_authenticated and user.can_act and user.is_org_admin)


def can_view_audit_log(user) -> bool:
    return acts_for(user, Kind.CITY_OFFICE)


def can_edit_enterprise(user, enterprise) -> bool:
    if acts_for(user, Kind.CITY_OFFICE):
        return True
    if acts_for(user, Kind.DISTRICT):
        return enterprise.region_id == user.organisation.region_id
    return False


def can_import_enterprises(user) -> bool:
    return acts_for(user, Kind.CITY_OFFICE, Kind.DISTRICT)


def can_export_enterprises(user) -> bool:
    return acts_for(user, Kind.CITY_OFFICE, Kind.DISTRICT)


def can_verify_registration(user, claim) -> bool:
    """The city office, or the district a registration claim was sent to."""
    if acts_for(user, Kind.CITY_OFFICE):
        return True
    return acts_for(user, Kind.DISTRICT) and claim.district_id == user.organisation.region_id
