"""The grading authority (定级部门) of each grade, and its approval.

Rules (sources in README.md, "The application workflow"):

- **Who grades which tier** is ``settings.GRADING_AUTHORITIES``: an
  organisation kind per tier. ``district``: the district government of the
  enterprise's district; ``regulator``: the city industry regulator whose
  industries include the enterprise's industry (the first by id when two
  regulate it, like the organising unit of ``receiver_for``); ``city_office``:
  the city office. Level 1 is graded nationally (forward_national).
- **When**: the authority is resolved for the grade reached when the
  application reaches it, and stored on the application
  (``Application.authority``): by ``verify`` (the grade applied for), by
  ``consent_lower`` (the enterprise accepted a lower grade: that grade's
  authority) and by ``confirm_renewal``. Only that organisation approves,
  publicises and announces (engine ``AUTHORITY`` actor; the publicity
  batches check it too); the organising unit still receives, assigns and
  verifies.
- **Approve** (VERIFIED → APPROVED) re-checks the accident gate up to the
  day; the authority may instead send the report back to the organising
  unit (``return_to_organiser``) or refuse the grade (``refuse_grade``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from certification.models import Application, OnSiteReview
from certification.workflow import tier_label
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind
from reviews.accident_gate import application_refusal

if TYPE_CHECKING:
    from certification.engine import Move

KINDS = {
    "district": OrganisationKind.DISTRICT,
    "regulator": OrganisationKind.REGULATOR,
    "city_office": OrganisationKind.CITY_OFFICE,
}


def authority_kind(tier: str) -> str | None:
    """The organisation kind that grades ``tier`` (None: national or unset)."""
    name = settings.GRADING_AUTHORITIES.get(tier)
    return KINDS.get(name) if name else None


def authority_for(application: Application, tier: str) -> Organisation | None:
    """The active organisation that grades ``tier`` for the application's enterprise."""
    kind = authority_kind(tier)
    active = Organisation.objects.filter(kind=kind, status=Organisation.Status.ACTIVE)
    enterprise = application.enterprise
    if kind == OrganisationKind.DISTRICT:
        return active.filter(region_id=enterprise.region_id).order_by("pk").first()
    if kind == OrganisationKind.REGULATOR:
        # A city regulator: a district department (region set) grades nothing.
        found = active.filter(region=None, industries=application.industry_id)
        return found.order_by("pk").first()
    if kind == OrganisationKind.CITY_OFFICE:
        return active.order_by("pk").first()
    return None


def set_authority(move: Move, tier: str) -> None:
    """Stores the grading authority of ``tier`` on the moving application;
    refuses, naming the grade, when the portal has none."""
    application = move.application
    authority = authority_for(application, tier)
    if authority is None:
        raise ServiceError(
            _(
                "No grading authority for %(tier)s in this industry and district is in the "
                "portal yet; contact the city office."
            )
            % {"tier": tier_label(tier)},
            field="authority",
        )
    application.authority = authority
    move.fields.append("authority")
    move.details["authority"] = authority.pk


def grading_organisation_kinds() -> set[str]:
    """The kinds that grade some tier (they publicise and announce)."""
    return {KINDS[name] for name in settings.GRADING_AUTHORITIES.values() if name in KINDS}


def is_authority(user, application: Application) -> bool:
    return bool(
        user.is_authenticated
        and getattr(user, "can_act", False)
        and application.authority_id is not None
        and user.organisation_id == application.authority_id
    )


# --- the moves' steps ---------------------------------------------------------------


def prepare_consent_lower(move: Move) -> None:
    """The enterprise takes the grade reached: it goes to that grade's authority."""
    application = move.application
    set_authority(move, application.granted_tier or application.tier)
    move.details["granted_tier"] = application.granted_tier


def prepare_approve(move: Move) -> None:
    """The accident gate again, from the records up to today."""
    application = move.application
    refused = application_refusal(application, application.granted_tier or application.tier)
    if refused:
        raise ServiceError(refused, field="accidents")
    move.details["granted_tier"] = application.granted_tier


def has_report(application: Application) -> bool:
    """An on-site report to send back (a renewal on the fast path has none)."""
    return OnSiteReview.objects.filter(
        application_id=application.pk, reported_at__isnull=False
    ).exists()
