"""Who acts on a major hazard's report, plan and listing, and the dates that
make them due: shared by the services, the pages and the API."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards import services as ledger_services
from hazards import workflow as ledger
from hazards.errors import HazardConflict
from hazards.models import (
    Hazard,
    MajorHazardReport,
    ReportReceipt,
    SupervisionListing,
)
from hazards.services import Move, acts_as_any
from hazards.supervision.workflow import ENTERPRISE, ISSUER, LISTER, MOVES, PRINCIPAL
from portal.models import OrganisationKind, User

# The listing's actors that are the ledger's own.
LEDGER_ROLES = {ENTERPRISE: ledger.ENTERPRISE, PRINCIPAL: ledger.PRINCIPAL}


def may_list(actor: User, hazard: Hazard) -> bool:
    """The district government of the hazard's region, or the city office."""
    org = actor.organisation
    if not actor.can_act or org is None:
        return False
    if org.kind == OrganisationKind.CITY_OFFICE:
        return True
    return org.kind == OrganisationKind.DISTRICT and org.region_id == hazard.region_id


def level_of(actor: User) -> str:
    org = actor.organisation
    assert org is not None
    if org.kind == OrganisationKind.CITY_OFFICE:
        return SupervisionListing.Level.CITY
    return SupervisionListing.Level.DISTRICT


def acts_on_listing(actor: User, listing: SupervisionListing, role: str) -> bool:
    if role == ISSUER:
        return actor.can_act and actor.organisation_id == listing.issuer_id
    if role == LISTER:
        return may_list(actor, listing.hazard)
    return acts_as_any(actor, listing.hazard, (LEDGER_ROLES[role],))


def can_move(actor: User, listing: SupervisionListing, name: str) -> bool:
    """Whether the actor may make the move on the listing now (what pages offer)."""
    move = MOVES[name]
    return listing.status in move.sources and any(
        acts_on_listing(actor, listing, role) for role in move.actors
    )


def is_enterprise_user(actor: User, hazard: Hazard) -> bool:
    return acts_as_any(actor, hazard, (ledger.ENTERPRISE,))


def is_principal(actor: User, hazard: Hazard) -> bool:
    return acts_as_any(actor, hazard, (ledger.PRINCIPAL,))


def receives(actor: User, receipt: ReportReceipt) -> bool:
    return actor.can_act and actor.organisation_id == receipt.organisation_id


def open_listing(hazard: Hazard) -> SupervisionListing | None:
    """The listing a hazard is under, until its review closes it (核销)."""
    return (
        SupervisionListing.objects.select_related("issuer")
        .filter(hazard=hazard)
        .exclude(status=SupervisionListing.Status.CLOSED)
        .first()
    )


def prepare_close(move: Move) -> None:
    """The ledger's close move: refused while the hazard is listed (its review
    closes it), else the ledger's own close-out."""
    listing = open_listing(move.hazard)
    if listing is not None:
        raise HazardConflict(
            _("The hazard is listed for supervision (%(number)s); %(issuer)s closes it.")
            % {"number": listing.number, "issuer": listing.issuer}
        )
    ledger_services.prepare_close(move)


# Dates ----------------------------------------------------------------------


def report_due(hazard: Hazard) -> datetime.date:
    return hazard.found_on + datetime.timedelta(days=settings.MAJOR_HAZARD_REPORT_DAYS)


def report_late(
    hazard: Hazard, report: MajorHazardReport | None, today: datetime.date | None = None
) -> bool:
    """Not submitted by its due day (settings.MAJOR_HAZARD_REPORT_DAYS after the
    hazard was found), or submitted after it."""
    if hazard.grade != Hazard.Grade.MAJOR:
        return False
    due = report_due(hazard)
    if report is not None and report.submitted_at is not None:
        return timezone.localtime(report.submitted_at).date() > due
    return hazard.is_open and (today or timezone.localdate()) > due


def next_progress_due(listing: SupervisionListing, reports_filed: int) -> datetime.date | None:
    """The k-th progress report is due on listed_on + k × the interval; None
    once the listing no longer asks for reports."""
    if listing.status == SupervisionListing.Status.CLOSED:
        return None
    days = listing.progress_interval_days * (reports_filed + 1)
    return listing.listed_on + datetime.timedelta(days=days)


def progress_overdue(
    listing: SupervisionListing, reports_filed: int, today: datetime.date | None = None
) -> bool:
    if listing.status not in (
        SupervisionListing.Status.LISTED,
        SupervisionListing.Status.CORRECTION_ORDERED,
    ):
        return False
    due = next_progress_due(listing, reports_filed)
    return due is not None and due < (today or timezone.localdate())
