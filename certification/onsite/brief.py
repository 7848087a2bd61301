"""The review unit's pre-visit brief: the enterprise's open major hazards and the counts
of its general ones, from the hazard ledger (enterprises/hazard_links.py), shown to the
assigned review unit before and during its visit, on the application's page, the
on-site review pages and the API."""

from __future__ import annotations

from typing import Any

from certification.models import Application, Status
from certification.onsite import rules as onsite
from enterprises import hazard_links

# Before the visit (assigned), during it, and while the enterprise rectifies (a second
# visit may follow).
BRIEF_STATUSES = (Status.ASSIGNED, Status.ON_SITE_REVIEW, Status.RECTIFICATION)


def may_see_brief(user: Any, application: Application) -> bool:
    return bool(
        getattr(user, "can_act", False)
        and application.status in BRIEF_STATUSES
        and onsite.is_review_unit_user(user, application)
    )


def brief_for(user: Any, application: Application) -> dict[str, Any] | None:
    """The brief for the application's review unit; None for anyone else."""
    if not may_see_brief(user, application):
        return None
    return hazard_links.pre_visit_brief(user, application.enterprise)
