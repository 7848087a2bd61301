"""Who may act on the hazard ledger: the roles of hazards/workflow.py resolved for
one user and one hazard, and who may record a hazard for an enterprise."""

from __future__ import annotations

from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from hazards.models import Hazard
from hazards.workflow import (
    DISTRICT,
    ENTERPRISE,
    INSPECTING_OFFICE,
    PRINCIPAL,
    RECORDER,
    SELF_ACCEPTING,
    SELF_CLOSING,
    Transition,
)
from portal.models import Organisation, OrganisationKind, User


def _acts_as(actor: User, hazard: Hazard, role: str) -> bool:
    org = actor.organisation
    if org is None:
        return False
    if role == ENTERPRISE:
        return org.pk == hazard.enterprise.account_id
    if role == PRINCIPAL:
        return org.pk == hazard.enterprise.account_id and actor.is_org_admin
    if role == DISTRICT:
        return org.kind == OrganisationKind.DISTRICT and org.region_id == hazard.region_id
    if role == SELF_ACCEPTING:
        return org.pk == hazard.enterprise.account_id and not from_order(hazard)
    if role == SELF_CLOSING:
        return not from_order(hazard) and (
            _acts_as(actor, hazard, PRINCIPAL) or _acts_as(actor, hazard, DISTRICT)
        )
    if role == INSPECTING_OFFICE:
        return from_order(hazard) and org.pk == hazard.order_item.inspection.organisation_id
    if role == RECORDER:
        return may_record(actor, hazard.enterprise)
    return False


def from_order(hazard: Hazard) -> bool:
    """Whether the row is an item of a government order (责令限期整改指令书)."""
    return hasattr(hazard, "order_item")  # the reverse one-to-one, cached on the row


def refusal(actor: User, hazard: Hazard, transition: Transition) -> str:
    """Why the actor may not make the move. The enterprise or the district asking to
    accept or close a row of a government order learns who closes it instead."""
    own_close = {SELF_ACCEPTING, SELF_CLOSING} & set(transition.actors)
    if own_close and from_order(hazard) and acts_as_any(actor, hazard, (ENTERPRISE, DISTRICT)):
        listing = getattr(hazard, "listing", None)
        if listing is not None:  # the listing's review (核销) closes it, order or not
            return _("The hazard is listed for supervision (%(number)s); %(issuer)s closes it.") % {
                "number": listing.number,
                "issuer": listing.issuer,
            }
        order = hazard.order_item.inspection
        return _(
            "This hazard is an item of order %(number)s; the follow-up review (整改复查) "
            "by %(office)s closes it."
        ) % {"number": order.order_number, "office": order.organisation}
    return _("Your organisation or role cannot take this step.")


def acts_as_any(actor: User, hazard: Hazard, roles: tuple[str, ...]) -> bool:
    return actor.can_act and any(_acts_as(actor, hazard, role) for role in roles)


# Offices that inspect or receive tip-offs beside the district: they record a row
# only through an order or a confirmed tip-off (hazards/enforcement/services.py).
OFFICE_KINDS = (OrganisationKind.STREET, OrganisationKind.REGULATOR, OrganisationKind.CITY_OFFICE)


def may_record(actor: User, enterprise: Enterprise, *, by_office: bool = False) -> bool:
    """The enterprise's own users, its group and the district government where it is
    registered may record a hazard (self-inspection, the group's inspection, the
    district's own inspection). With ``by_office`` (an order's item, a confirmed
    tip-off), also the street office of its street, a regulator of its industry
    and the city office."""
    org = actor.organisation
    if not actor.can_act or org is None:
        return False
    if by_office and org.kind in OFFICE_KINDS:
        return office_oversees(org, enterprise)
    if org.kind == OrganisationKind.ENTERPRISE:
        return org.pk == enterprise.account_id
    if org.kind == OrganisationKind.GROUP:
        return org.pk == enterprise.group_id
    if org.kind == OrganisationKind.DISTRICT:
        return org.region_id == enterprise.region_id
    if org.kind == OrganisationKind.REVIEW_UNIT:
        # Its on-site findings, while assigned: the assignment's grant on the enterprise.
        return Enterprise.objects.filter(enterprise_scope(actor), pk=enterprise.pk).exists()
    return False


def office_oversees(org: Organisation, enterprise: Enterprise) -> bool:
    """Whether a government office (city, district, street, regulator) has the
    enterprise in its scope (enterprises.selectors.enterprise_scope, for one row)."""
    if org.kind == OrganisationKind.CITY_OFFICE:
        return True
    if org.kind == OrganisationKind.DISTRICT:
        return org.region_id == enterprise.region_id
    if org.kind == OrganisationKind.STREET:
        return org.street_id is not None and org.street_id == enterprise.street_id
    if org.kind == OrganisationKind.REGULATOR:
        if org.region_id and org.region_id != enterprise.region_id:
            return False  # a district department: its own district only
        return org.industries.filter(pk=enterprise.industry_id).exists()
    return False


def can_perform(actor: User, hazard: Hazard, transition: Transition) -> bool:
    """Whether the actor may make the move now (what pages and the API offer)."""
    return (
        transition.offered
        and hazard.status in transition.sources
        and hazard.grade == transition.grade
        and acts_as_any(actor, hazard, transition.actors)
    )
