"""The review unit's pre-visit brief: the enterprise's open major hazards and the counts
of its general ones, from the hazard ledger (enterprises/hazard_links.py), shown to the
review unit while it is assigned (before, during and after its visit), on the
application's page, the on-site review pages and the API."""

from __future__ import annotations

from typing import Any

from certification.models import Application
from certification.onsite import rules as onsite
from enterprises import hazard_links


def may_see_brief(user: Any, application: Application, unit_id: int | None = None) -> bool:
    """The unit of the application's current assignment (it holds the grant on the
    enterprise that lets it read the hazards; the grant ends with the assignment).
    ``unit_id``: that unit, when the page has read it already."""
    return bool(
        getattr(user, "can_act", False) and onsite.is_review_unit_user(user, application, unit_id)
    )


def brief_for(
    user: Any, application: Application, unit_id: int | None = None
) -> dict[str, Any] | None:
    """The brief for the application's review unit; None for anyone else."""
    if not may_see_brief(user, application, unit_id):
        return None
    return hazard_links.pre_visit_brief(user, application.enterprise)
